import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { interpolate, paramText } from '../../engine/db/index.js';
import { Histogram, HISTOGRAM_RANGES } from './histogram.js';

const exec = promisify(execFile);

/** pgbench's names for the three statement modes (`-M`); loadlab's `unnamed` is its `extended`. */
const PGBENCH_MODE = { simple: 'simple', unnamed: 'extended', prepared: 'prepared' } as const;
export type PgbenchStatementMode = keyof typeof PGBENCH_MODE;

export const PGBENCH_DEFAULTS = {
  /** A run that takes longer than this is killed (the statement is broken or the server stalled). */
  timeoutMs: 120_000,
} as const;

/** `pgbench (PostgreSQL) 15.20` -> "pgbench 15.20"; null when pgbench is not on PATH. */
export async function pgbenchVersion(): Promise<string | null> {
  try {
    const { stdout } = await exec('pgbench', ['--version'], { timeout: 10_000 });
    const m = /(\d+(?:\.\d+)*)/.exec(stdout);
    return m === null ? 'pgbench' : `pgbench ${m[1]}`;
  } catch {
    return null;
  }
}

export interface PgbenchScript {
  /** The script file's text: one SQL command ending in ';'. */
  script: string;
  /** `-D name=value` variables (extended and prepared modes bind them as parameters). */
  variables: Record<string, string>;
}

/**
 * The same statement as a pgbench script. Simple mode: the very text loadlab's simple mode sends
 * (parameters interpolated as literals, engine/db interpolate). Extended/prepared: `$n` becomes
 * `:pn` and each value is given with -D in the text form node-postgres binds, so pgbench sends
 * the same SQL with the same parameters through the same protocol.
 */
export function pgbenchScript(sql: string, params: readonly unknown[], mode: PgbenchStatementMode): PgbenchScript {
  const text = sql.trim().replace(/;\s*$/, '');
  if (text.includes(';')) throw new RangeError('pgbench calibration needs a single statement without ";"');
  if (mode === 'simple') return { script: `${interpolate(text, params)};\n`, variables: {} };
  const variables: Record<string, string> = {};
  params.forEach((v, i) => {
    variables[`p${i + 1}`] = paramText(v);
  });
  return { script: `${text.replace(/\$(\d+)/g, (_, n: string) => `:p${n}`)};\n`, variables };
}

export interface PgbenchLatencyOptions {
  url: string;
  mode: PgbenchStatementMode;
  script: PgbenchScript;
  /** Executions kept (after warm-up). */
  transactions: number;
  /** Executions first, dropped from the figures (plan cache, generic plan, buffers). */
  warmup: number;
  signal?: AbortSignal;
}

export interface PgbenchLatency {
  /** Per-transaction latency as pgbench's own log records it (client-side, microsecond resolution). */
  histogram: Histogram;
  /** e.g. "pgbench 15.20 -M prepared". */
  tool: string;
  /** Logged latencies of exactly 0 µs left out (see pgbenchLatency). */
  zeroDropped: number;
}

/** Extra transactions run so that dropped zero-latency log lines still leave `transactions` real ones. */
const ZERO_MARGIN = 0.5;

/**
 * Runs the script with one client for warm-up + transactions executions and reads pgbench's
 * per-transaction log (`-l`), dropping the warm-up lines. Throws with pgbench's stderr on failure.
 *
 * Log lines with a latency of exactly 0 µs are dropped: pgbench (15) reads its clock lazily, once
 * per pass of its state machine, so when the reply is already in the socket at the first check
 * after sending (pgbench was descheduled meanwhile, which on a busy 2-core machine is common) the
 * transaction's start and end are the same reading and it logs 0. No round trip takes 0 µs; kept,
 * those lines pulled pgbench's median down and loadlab's ratio up. The run has ZERO_MARGIN more
 * transactions so that the first `transactions` real ones after the warm-up are kept, and up to
 * ZERO_ATTEMPTS runs top them up when even that was not enough.
 */
export async function pgbenchLatency(o: PgbenchLatencyOptions): Promise<PgbenchLatency> {
  const version = (await pgbenchVersion()) ?? 'pgbench';
  const histogram = new Histogram(HISTOGRAM_RANGES.latencyMs);
  let zeroDropped = 0;
  // A busy machine can leave fewer real latencies than asked for; a further run (with its own
  // warm-up) tops them up, a bounded number of times.
  for (let attempt = 0; attempt < ZERO_ATTEMPTS && histogram.count < o.transactions; attempt++) {
    const run = await pgbenchOnce(o, o.transactions - histogram.count);
    histogram.add(run.histogram);
    zeroDropped += run.zeroDropped;
  }
  return { histogram, tool: `${version} -M ${PGBENCH_MODE[o.mode]}`, zeroDropped };
}

/** Runs allowed to top up the real latencies when pgbench logged 0 µs for some. */
const ZERO_ATTEMPTS = 3;

async function pgbenchOnce(o: PgbenchLatencyOptions, transactions: number): Promise<{ histogram: Histogram; zeroDropped: number }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loadlab-pgbench-'));
  try {
    const file = path.join(dir, 'statement.sql');
    await fs.writeFile(file, o.script.script);
    const args = [
      '-n',
      '-c',
      '1',
      '-j',
      '1',
      '-M',
      PGBENCH_MODE[o.mode],
      '-t',
      String(o.warmup + transactions + Math.ceil(transactions * ZERO_MARGIN)),
      '-f',
      file,
      '-l',
      '--log-prefix',
      path.join(dir, 'tx'),
    ];
    for (const [k, v] of Object.entries(o.script.variables)) args.push('-D', `${k}=${v}`);
    args.push(o.url);
    await exec('pgbench', args, {
      timeout: PGBENCH_DEFAULTS.timeoutMs,
      ...(o.signal === undefined ? {} : { signal: o.signal }),
      maxBuffer: 16 * 1024 * 1024,
    });
    const logs = (await fs.readdir(dir)).filter((f) => f.startsWith('tx'));
    const lines = (await Promise.all(logs.map((f) => fs.readFile(path.join(dir, f), 'utf8'))))
      .join('\n')
      .split('\n')
      .filter((l) => l.trim() !== '');
    return latenciesFromLog(lines, o.warmup, transactions);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * pgbench's per-transaction log lines (`client_id transaction_no time script_no time_epoch time_us`,
 * `time` being the latency in µs) as a histogram in ms: in transaction order, the warm-up lines
 * skipped, then the first `transactions` lines with a real latency; lines of 0 µs are counted apart.
 */
export function latenciesFromLog(
  lines: readonly string[],
  warmup: number,
  transactions: number,
): { histogram: Histogram; zeroDropped: number } {
  const rows = lines
    .map((l) => l.trim().split(/\s+/))
    .map((c) => ({ tx: Number(c[1]), us: Number(c[2]) }))
    .sort((a, b) => a.tx - b.tx);
  const histogram = new Histogram(HISTOGRAM_RANGES.latencyMs);
  let zeroDropped = 0;
  for (const r of rows.slice(warmup)) {
    if (histogram.count >= transactions) break;
    if (!Number.isFinite(r.us)) continue;
    if (r.us <= 0) zeroDropped += 1;
    else histogram.record(r.us / 1000);
  }
  return { histogram, zeroDropped };
}
