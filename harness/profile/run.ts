import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../infra/index.js';
import { PROFILE_DEFAULTS, PROFILE_TOOLS, type ProfileScenarioName, type ProfileToolName } from './defaults.js';
import { collectHtml, PROFILE_SUBDIR, recordProfile, toRunLoad, type ProfileRun } from './artifact.js';
import { removeStaleTraceLogs } from './clinic.js';
import { createSessions, driveMix, waitForHealth } from './drive.js';
import { ClinicProcess } from './internal/clinic-process.js';

export interface ProfileOptions {
  clinicBin: string;
  tool: ProfileToolName;
  scenario: ProfileScenarioName;
  durationSec: number;
  outDir: string;
  connections?: number;
  /** Environment of the clinic child (the CLI passes its own, minus DATABASE_URL/REDIS_URL). */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Human progress lines. */
  onStatus?: (line: string) => void;
  /** Called with the clinic process as soon as it exists, so the caller can kill it on exit. */
  onSpawn?: (clinic: ClinicProcess) => void;
}

export interface ProfileOutcome {
  html: string;
  manifest: string;
  auditUpdated: boolean;
  run: ProfileRun;
}

/**
 * `loadlab serve` under clinic while autocannon drives the scenario's endpoints, then the HTML
 * report moved into the report folder and recorded as an artifact. Every child is stopped before
 * this returns or throws.
 */
export async function runProfile(opts: ProfileOptions): Promise<ProfileOutcome> {
  const status = opts.onStatus ?? (() => undefined);
  const outDir = path.resolve(opts.outDir);
  const workDir = path.join(outDir, `.clinic-${opts.tool}-${process.pid}`);
  const dest = path.join(workDir, 'data');
  for (const dir of [process.cwd(), outDir]) {
    const removed = removeStaleTraceLogs(dir);
    if (removed.length > 0) status(`removed stale ${removed.join(', ')} from ${dir} (left by bubbleprof or a crashed clinic run)`);
  }
  mkdirSync(workDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const port = await freePort();
  status(`starting loadlab serve on port ${port} under clinic ${PROFILE_TOOLS[opts.tool].clinic} (embedded PostgreSQL and Redis)`);
  const clinic = new ClinicProcess({
    clinicBin: opts.clinicBin,
    tool: opts.tool,
    workDir,
    dest,
    port,
    env: { ...opts.env, NO_INSIGHT: '1' },
  });
  opts.onSpawn?.(clinic);
  let stopping = false;
  try {
    const serve = await abortable(clinic.waitForServe(PROFILE_DEFAULTS.readyTimeoutMs), opts.signal);
    await abortable(waitForHealth(serve.url, PROFILE_DEFAULTS.readyTimeoutMs, opts.signal), opts.signal);
    const sessions = await abortable(createSessions(serve.url, serve.token, PROFILE_DEFAULTS.sessions), opts.signal);
    status(`driving ${serve.url} for ${opts.durationSec} s (${opts.scenario}: sessions list and detail, actions by tags, health)`);
    const loads = await driveMix({
      baseUrl: serve.url,
      token: serve.token,
      sessionId: sessions[0] ?? '',
      durationSec: opts.durationSec,
      connections: opts.connections ?? PROFILE_DEFAULTS.connections,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    if (opts.signal?.aborted === true) throw opts.signal.reason as Error;
    status('stopping serve; clinic is analysing the samples (this takes a while)');
    stopping = true;
    clinic.stop();
    const exit = await Promise.race([
      clinic.exited,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), PROFILE_DEFAULTS.analysisTimeoutMs).unref()),
    ]);
    if (exit === undefined)
      throw clinic.failure(`clinic did not finish within ${PROFILE_DEFAULTS.analysisTimeoutMs / 1000} s after the load`);
    // clinic's own exit code reflects serve's (130 after SIGINT): the HTML is what counts.
    let html: string;
    try {
      html = collectHtml(dest, outDir, opts.tool);
    } catch (err) {
      throw clinic.failure((err as Error).message, err);
    }
    const run: ProfileRun = {
      tool: opts.tool,
      scenario: opts.scenario,
      startedAt,
      durationSec: opts.durationSec,
      artifact: {
        name: `${PROFILE_TOOLS[opts.tool].title} (${opts.scenario})`,
        path: `${PROFILE_SUBDIR}/${path.basename(html)}`,
        kind: PROFILE_TOOLS[opts.tool].kind,
      },
      load: toRunLoad(loads),
    };
    const recorded = recordProfile(outDir, run);
    return { html, run, ...recorded };
  } finally {
    if (!stopping || clinic.running) await stopEarly(clinic);
    // The raw samples are large and the HTML holds everything the report needs.
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * Ends a run that failed or was interrupted before the load finished: serve drains and tears its
 * PostgreSQL and Redis down on SIGINT; clinic's analysis is not wanted, so it is killed after.
 */
async function stopEarly(clinic: ClinicProcess): Promise<void> {
  clinic.stop();
  if (!(await clinic.serveGone(PROFILE_DEFAULTS.stopGraceMs))) clinic.signalServe('SIGKILL');
  clinic.killAll();
  await Promise.race([clinic.exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
}

/** Rejects with the abort reason as soon as the signal fires (the work itself is stopped by stopEarly). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
