import fs from 'node:fs';
import path from 'node:path';
import { isLoadlabError, LoadlabError } from '../../../../engine/errors/index.js';
import { parseDisabled } from '../../../audit/index.js';
import { budgetsForProfile, evaluateBudgets, loadConfig, type LoadlabConfig } from '../../../budgets/index.js';
import { HARNESS_ERRORS } from '../../../errors/index.js';
import type { Infra } from '../../../infra/index.js';
import type { Profile, RunResult, ScenarioResult } from '../../../result/index.js';
import { locateData } from '../../../infra/index.js';
import {
  checkDiskRoom,
  defaultOutDir,
  estimateDiskNeed,
  formatBytes,
  pointLatest,
  runScenarios,
  writeResult,
} from '../../../runner/index.js';
import { loadScenarios, selectScenarios, type AnyScenario } from '../../../scenario/index.js';
import { internalError } from '../../crash.js';
import { EXIT_CODES } from '../../exit-codes.js';
import type { Printer } from '../../printer.js';
import type { CommandContext } from '../types.js';
import { partialRunResult, writePartialResult, type PartialRunInput } from './partial-result.js';
import { dataSizeOf, makeSeedFn, parseDataSize } from './seed-adapter.js';
import { printSummary } from './summary.js';
import { applyTier } from './tier-option.js';
import { writeRunReports } from './write-reports.js';

export const RUN_DEFAULTS = {
  profile: 'ci' as Profile,
  seed: 42,
  configFile: 'loadlab.config.ts',
  /**
   * How long Ctrl-C waits for the run to stop and write its partial result before tearing the
   * infrastructure down anyway (the scenarios' teardown and the reports fit in it).
   */
  abortGraceMs: 15_000,
} as const;

const PROFILES: readonly Profile[] = ['ci', 'default', 'full'];

export interface RunCommandOptions {
  profile?: string;
  out?: string;
  config?: string;
  json?: boolean;
  keep?: boolean;
  seed?: string;
  data?: string;
  disable?: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** `loadlab run` only: the §6.2 load tier for scenarios that have tiers. */
  tier?: string;
}

function parseProfile(value: string | undefined): Profile {
  const p = value ?? RUN_DEFAULTS.profile;
  if (!(PROFILES as readonly string[]).includes(p)) {
    throw new LoadlabError(HARNESS_ERRORS.PROFILE_UNKNOWN, `unknown profile "${p}"`, {
      hint: `use one of: ${PROFILES.join(', ')}`,
    });
  }
  return p as Profile;
}

function parseSeed(value: string | undefined): number {
  if (value === undefined) return RUN_DEFAULTS.seed;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new LoadlabError(HARNESS_ERRORS.USAGE, `--seed must be a non-negative integer, got "${value}"`);
  return n;
}

async function readConfig(file: string | undefined): Promise<Readonly<LoadlabConfig>> {
  if (file !== undefined) {
    if (!fs.existsSync(file))
      throw new LoadlabError(HARNESS_ERRORS.CONFIG_LOAD_FAILED, `config file ${file} does not exist`, {
        hint: 'pass a path to loadlab.config.ts or a .json file',
      });
    return loadConfig(file);
  }
  return fs.existsSync(RUN_DEFAULTS.configFile) ? loadConfig(RUN_DEFAULTS.configFile) : {};
}

/**
 * The body of `loadlab run` and `loadlab audit`: resolve the inputs (every error before any
 * infrastructure starts), provision, run, write audit.json and the reports, print the summary,
 * and return the exit code.
 *
 * Ctrl-C or SIGTERM aborts the work in flight (a scenario, or the seeding), waits for the partial
 * result to be written (status `aborted`), and only then tears the infrastructure down; the
 * process exits 7 (interrupted). A run that fails or crashes also leaves a partial audit.json
 * (status `error`, with the error's code) before its infrastructure goes.
 */
export async function executeRun(ctx: CommandContext, requested: readonly string[] | 'all', opts: RunCommandOptions): Promise<number> {
  const printer: Printer = ctx.printer(opts.json === true);
  const profile = parseProfile(opts.profile);
  const seed = parseSeed(opts.seed);
  const data = parseDataSize(opts.data);
  const disabled = parseDisabled(opts.disable);
  const config = await readConfig(opts.config);
  const catalogue = await loadScenarios();
  const selected: AnyScenario[] = requested === 'all' ? catalogue : await selectScenarios(requested, catalogue);
  if (requested !== 'all' && selected.length === 0) {
    throw new LoadlabError(HARNESS_ERRORS.USAGE, 'no scenario to run', {
      hint: 'name one or more scenarios (see loadlab list)',
    });
  }
  const scenarios = applyTier(selected, opts.tier, profile);
  const outDir = opts.out ?? defaultOutDir();
  const abort = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  let finished: Promise<unknown> = Promise.resolve();
  const started = { at: new Date().toISOString(), ms: performance.now() };
  const done: ScenarioResult[] = [];
  let activeInfra: Infra | undefined;
  // What is in outDir already: a fallback never replaces a result (the runner's replaces a fallback).
  let written: RunResult | undefined;

  const fallback = async (infra: Infra, outcome: PartialRunInput['outcome']): Promise<RunResult> => {
    if (written !== undefined) return written;
    const partial = partialRunResult({ infra, profile, seed, startedAt: started.at, startedMs: started.ms, scenarios: done, outcome });
    written = partial;
    await writePartialResult(partial, outDir, ctx.logger);
    if (opts.out === undefined) pointLatest(outDir);
    return partial;
  };

  const result = await ctx.withInfra(
    {
      databaseUrl: opts.databaseUrl,
      redisUrl: opts.redisUrl,
      keep: opts.keep,
      exitCode: () => EXIT_CODES.INTERRUPTED,
      onSignal: async (signal) => {
        interruptedBy = signal;
        printer.error(`\n${signal}: stopping; writing the partial result to ${outDir}`);
        abort.abort(new LoadlabError(HARNESS_ERRORS.INTERRUPTED, `interrupted by ${signal}`));
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          finished,
          new Promise((r) => {
            timer = setTimeout(r, RUN_DEFAULTS.abortGraceMs);
          }),
        ]);
        clearTimeout(timer);
        // Still not stopped: write what is known before the teardown cuts the run's connections.
        if (written === undefined && activeInfra !== undefined) await fallback(activeInfra, { kind: 'interrupted' });
      },
    },
    async (infra) => {
      // Before any seeding: a run that cannot fit on this disk is refused now, not half an hour in.
      const dataLocation = await locateData(infra.postgres.adminUrl);
      const size = dataSizeOf(data, profile);
      const need = estimateDiskNeed({ sessions: size.sessions, scenarios });
      const preflight = checkDiskRoom(need, dataLocation, size.size);
      if (need.peakDatabases > 0)
        printer.status(
          `disk: this run needs about ${formatBytes(need.bytes)} at its peak (${need.peakDatabases} databases at data size ${size.size}); ${preflight.where}`,
        );
      activeInfra = infra;
      // A crash (uncaught anywhere) still leaves the scenarios finished so far, before the
      // infrastructure's own cleanup (registered earlier, so run later) stops PostgreSQL.
      const untrack = ctx.crashGuard.track({
        name: 'partial result',
        run: async (error) => {
          await fallback(infra, { kind: 'crashed', error });
        },
      });
      printer.status(
        `loadlab: profile ${profile}, ${scenarios.length} scenario(s), postgres ${infra.postgres.kind}, redis ${infra.redis?.owned === true ? 'child' : infra.redis === undefined ? 'none' : 'external'}, report in ${outDir}`,
      );
      const running = (async (): Promise<RunResult> => {
        let run: RunResult;
        try {
          run = await runScenarios({
            scenarios,
            profile,
            seed,
            infra,
            logger: ctx.logger,
            signal: abort.signal,
            budgetOverrides: budgetsForProfile(config, profile),
            evaluate: (table, measurements, scenario) => evaluateBudgets(table, measurements, { scenario }),
            ...(config.selfCheck === undefined ? {} : { selfCheck: config.selfCheck }),
            disabled,
            seedFn: makeSeedFn(data, abort.signal),
            dataLocation,
            preflight,
            onScenarioStart: (s, i, total) => printer.progress(`[${i + 1}/${total}] ${s.name}: starting`),
            onScenarioEnd: (s, i, total) => {
              done.push(s);
              printer.endProgress();
              const failed = s.budgets.filter((b) => !b.passed && b.judgeable !== false).length;
              printer.status(
                `[${i + 1}/${total}] ${s.name}: ${s.status}${failed > 0 ? ` (${failed} budget(s) failed)` : ''} in ${(s.durationMs / 1000).toFixed(1)} s${s.error === undefined ? '' : ` — ${s.error.message}`}`,
              );
            },
            onProgress: (name, phase, figure, ms) =>
              printer.progress(`    ${name}: ${phase}${figure === undefined ? '' : ` · ${figure}`} · ${(ms / 1000).toFixed(1)} s`),
            onSeedProgress: (line) => printer.progress(`    ${line}`),
          });
        } catch (err) {
          printer.endProgress();
          // Interrupted before the runner could assemble a result (during the seeding, say).
          if (abort.signal.aborted) return fallback(infra, { kind: 'interrupted' });
          const error = isLoadlabError(err)
            ? { code: err.code, message: err.message, ...(err.hint === undefined ? {} : { hint: err.hint }) }
            : internalError(err);
          await fallback(infra, { kind: 'crashed', error });
          throw err;
        }
        written = run;
        writeResult(run, outDir);
        const withReports = await writeRunReports(run, outDir, ctx.logger);
        if (opts.out === undefined) pointLatest(outDir);
        return withReports;
      })();
      finished = running.catch(() => undefined);
      try {
        return await running;
      } finally {
        untrack();
      }
    },
  );
  const exitCode = interruptedBy === undefined ? result.exitCode : EXIT_CODES.INTERRUPTED;
  printSummary(printer, result, path.join(outDir, 'audit.json'), exitCode);
  return exitCode;
}
