import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';

/**
 * The autocannon CLI run as a child process: an independent load generator in its own process
 * and event loop, to calibrate the in-process generator (runHttpLoad) against.
 */
export interface AutocannonCliOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  /** -R: requests per second over all connections. */
  overallRate: number;
  /** -a: requests in the measured run. */
  amount: number;
  /** Requests of the CLI's own warm-up run (`-W [ -c C --amount N ]`), not in its figures; 0 = none. */
  warmupAmount?: number;
  timeoutSec?: number;
  signal?: AbortSignal;
}

/** Latency percentiles exactly as autocannon prints them: whole milliseconds (see autocannonEstimate). */
export interface AutocannonLatency {
  p50: number;
  p90: number;
  p97_5: number;
  p99: number;
  max: number;
  mean: number;
  totalCount: number;
}

export interface AutocannonCliResult {
  version: string;
  /** The command's flags in short form, header values left out (for a report's tool string). */
  flags: string;
  latency: AutocannonLatency;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export const AUTOCANNON_CLI_DEFAULTS = { timeoutSec: 10, stderrTailLines: 10 } as const;

/** The CLI script and its version, resolved from this package; undefined when autocannon is not installed. */
export function findAutocannonCli(): { script: string; version: string } | undefined {
  try {
    const req = createRequire(import.meta.url);
    const pkgPath = req.resolve('autocannon/package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { version?: string; bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.autocannon ?? 'autocannon.js');
    const script = path.join(path.dirname(pkgPath), bin);
    return fs.existsSync(script) ? { script, version: pkg.version ?? 'unknown' } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What autocannon's printed percentiles stand for, in ms. Its HDR histogram records whole
 * milliseconds (hdr-histogram-js truncates the float it is given), so a printed k means
 * k <= x < k + 1 and the estimate is the bucket's midpoint k + 0.5. It prints no p95: p95 is
 * interpolated linearly in rank between p90 and p97.5, then shifted to the midpoint the same way.
 */
export function autocannonEstimate(l: AutocannonLatency, statistic: 'p50' | 'p95'): number {
  const whole = statistic === 'p50' ? l.p50 : l.p90 + ((95 - 90) / (97.5 - 90)) * (l.p97_5 - l.p90);
  return whole + 0.5;
}

function parseResult(stdout: string): Record<string, unknown> | undefined {
  // With a warm-up, the CLI prints the warm-up's JSON line first: the measured run is the last.
  const lines = stdout.split('\n').filter((l) => l.startsWith('{'));
  for (const line of lines.reverse()) {
    try {
      const v = JSON.parse(line) as Record<string, unknown>;
      if (typeof v.latency === 'object' && v.latency !== null) return v;
    } catch {
      // not JSON after all
    }
  }
  return undefined;
}

/**
 * Runs `node <autocannon.js> --json -C -R r -c c -a n [-W [ -c c --amount w ]] URL` and returns
 * its figures. `-C` turns off autocannon's coordinated-omission fill: with -R it back-fills at an
 * interval of Math.ceil(1 / per-connection rate) = 1 ms instead of the connection's real interval
 * (c/R s), which adds a sample for every millisecond of every response. The child is SIGKILLed by
 * PID when `signal` aborts or this process exits.
 */
export async function runAutocannonCli(o: AutocannonCliOptions): Promise<AutocannonCliResult> {
  const cli = findAutocannonCli();
  if (cli === undefined) {
    throw new LoadlabError(HARNESS_ERRORS.LOAD_GENERATOR_FAILED, 'the autocannon CLI was not found (node_modules/autocannon)', {
      hint: 'npm ci installs it (a dependency of loadlab)',
    });
  }
  o.signal?.throwIfAborted();
  const timeoutSec = o.timeoutSec ?? AUTOCANNON_CLI_DEFAULTS.timeoutSec;
  const warm = o.warmupAmount ?? 0;
  const args = [
    '--json',
    '--ignoreCoordinatedOmission',
    '--overallRate',
    String(o.overallRate),
    '--connections',
    String(o.connections),
    '--amount',
    String(o.amount),
    '--timeout',
    String(timeoutSec),
    ...(warm > 0 ? ['--warmup', '[', '-c', String(o.connections), '--amount', String(warm), ']'] : []),
    ...Object.entries(o.headers ?? {}).flatMap(([k, v]) => ['--headers', `${k}=${v}`]),
    o.url,
  ];
  const flags = `-R ${o.overallRate} -c ${o.connections} -a ${o.amount} -C${warm > 0 ? ` -W [ -c ${o.connections} --amount ${warm} ]` : ''}`;
  const child = spawn(process.execPath, [cli.script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  const kill = (): void => {
    if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', kill);
  o.signal?.addEventListener('abort', kill, { once: true });
  let stdout = '';
  const tail: string[] = [];
  child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString('utf8');
  });
  child.stderr?.on('data', (b: Buffer) => {
    tail.push(
      ...b
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== ''),
    );
    tail.splice(0, Math.max(0, tail.length - AUTOCANNON_CLI_DEFAULTS.stderrTailLines));
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  }).finally(() => {
    process.off('exit', kill);
    o.signal?.removeEventListener('abort', kill);
  });
  o.signal?.throwIfAborted();
  const parsed = parseResult(stdout);
  if (exit.error !== undefined || exit.code !== 0 || parsed === undefined) {
    throw new LoadlabError(
      HARNESS_ERRORS.LOAD_GENERATOR_FAILED,
      `autocannon CLI ${flags} ${o.url} failed (${exit.error?.message ?? exit.signal ?? `exit ${exit.code}`}${parsed === undefined ? ', no JSON result' : ''})${tail.length === 0 ? '' : `: ${tail.join(' | ')}`}`,
      { ...(exit.error === undefined ? {} : { cause: exit.error }) },
    );
  }
  const l = parsed.latency as Record<string, number>;
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    version: cli.version,
    flags,
    latency: {
      p50: num(l.p50),
      p90: num(l.p90),
      p97_5: num(l.p97_5),
      p99: num(l.p99),
      max: num(l.max),
      mean: num(l.mean),
      totalCount: num(l.totalCount),
    },
    requests: num((parsed.requests as Record<string, unknown> | undefined)?.total),
    non2xx: num(parsed.non2xx),
    errors: num(parsed.errors),
    timeouts: num(parsed.timeouts),
  };
}
