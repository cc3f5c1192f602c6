import type { EngineConfigInput } from '../../../engine/config/index.js';
import {
  runAutocannonCli,
  runHttpLoad,
  startApiChild,
  type AutocannonCliResult,
  type HttpLoadResult,
} from '../../../harness/load/index.js';
import { measureWithOneRepeat, mergeHistograms, type Histogram } from '../../../harness/metrics/index.js';
import type { HistogramSummary } from '../../../harness/result/index.js';
import type { HttpLoadParams } from './params.js';
import { p50Verdict } from './calibration.js';
import { cpuPressureSpan } from './pressure.js';
import { ENDPOINTS, type Endpoint, type Variant } from './params.js';

/** What every request carries: the heaviest user's paths and token. */
export interface Target {
  paths: Record<Endpoint, string>;
  token: string;
}

/** The CLI's re-measurement of one window, or why there is none. */
export type CliOutcome = { kind: 'measured'; result: AutocannonCliResult } | { kind: 'skipped'; reason: string };

/** loadlab's window on one endpoint (one run, or the two halves around the CLI's window). */
export interface LoadWindow {
  histogram: Histogram;
  latency: HistogramSummary;
  requests: number;
  /** Non-2xx responses, connection errors and timeouts. */
  failures: number;
  requestsPerSec: number;
}

export interface WindowResult {
  endpoint: Endpoint;
  /** Every request loadlab measured on this endpoint in this round (both A B A spans when repeated). */
  load: LoadWindow;
  cli?: CliOutcome;
  /** loadlab's figures of the A B A span the CLI's figures are compared with (calibrated windows). */
  calibrationLoad?: HistogramSummary;
  /** Calibrated windows: % of the A B A span some task of the machine waited for CPU (Linux PSI). */
  cpuPressure?: number;
  /**
   * A first A B A span whose p50 disagreed beyond the bounds and was measured again once; kept so
   * the report shows both attempts (calibration.ts lists it among the skipped rows with its figures).
   */
  superseded?: { load: HistogramSummary; cli: CliOutcome; cpuPressure?: number };
}

function toWindow(parts: readonly HttpLoadResult[]): LoadWindow {
  const histogram = mergeHistograms(parts.map((r) => r.histograms.latency));
  const requests = parts.reduce((a, r) => a + r.requests, 0);
  const ms = parts.reduce((a, r) => a + r.durationMs, 0);
  return {
    histogram,
    latency: histogram.summarize(),
    requests,
    failures: parts.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0),
    requestsPerSec: ms > 0 ? (requests * 1000) / ms : 0,
  };
}

export interface ServerRound {
  variant: Variant;
  round: number;
  pid: number;
  /** Responses during the warm-up (excluded from every figure). */
  warmupRequests: number;
  windows: WindowResult[];
}

export interface ServerRoundOptions {
  variant: Variant;
  round: number;
  /** `ctx.engineConfig(...)` for this variant: the child builds its engine from exactly this. */
  config: EngineConfigInput;
  target: Target;
  params: HttpLoadParams;
  /** Re-measure each window with the autocannon CLI right after loadlab's own. */
  calibrate: boolean;
  signal: AbortSignal;
  progress(phase: string, figure?: string): void;
  /** Called with the child's PID once it listens (for the logs). */
  onStarted?(pid: number): void;
}

/** Requests per measured window: a fixed count, so n does not depend on how fast the server is. */
export function windowRequests(p: HttpLoadParams): number {
  return Math.round(p.ratePerSec * p.durationSec);
}

/**
 * One variant's server in its own process: warm-up on every endpoint at once (excluded), then one
 * window per endpoint. When calibrating, loadlab's window runs in two halves around the autocannon
 * CLI's (A B A): the load on this shared machine drifts over seconds, and the split makes both
 * figures see the same drift. The child is stopped on every path out (SIGKILLed at once if
 * `signal` aborts).
 */
export async function runServerRound(o: ServerRoundOptions): Promise<ServerRound> {
  const p = o.params;
  const server = await startApiChild({ config: o.config, signal: o.signal });
  o.onStarted?.(server.pid);
  try {
    const headers = { authorization: `Bearer ${o.target.token}` };
    const common = { headers, connections: p.connections, overallRate: p.ratePerSec, signal: o.signal };
    o.progress(`${o.variant} warm-up`, `${p.warmupSec} s, round ${o.round + 1}/${p.rounds}`);
    const warm = await Promise.all(
      ENDPOINTS.map((e) => runHttpLoad({ ...common, url: `${server.baseUrl}${o.target.paths[e]}`, durationSec: p.warmupSec })),
    );
    const windows: WindowResult[] = [];
    const amount = windowRequests(p);
    for (const e of ENDPOINTS) {
      o.signal.throwIfAborted();
      o.progress(`${o.variant} ${e}`, `${amount} requests, round ${o.round + 1}/${p.rounds}`);
      const url = `${server.baseUrl}${o.target.paths[e]}`;
      if (!o.calibrate || !p.calibrateEndpoints.includes(e)) {
        windows.push({ endpoint: e, load: toWindow([await runHttpLoad({ ...common, url, amount })]) });
        continue;
      }
      const abA = (): Promise<CalibratedSpan> =>
        calibratedSpan(common, url, amount, (f) => o.progress(`${o.variant} ${e}${f}`, `round ${o.round + 1}/${p.rounds}`));
      const { result: again, first } = await measureWithOneRepeat(
        async (attempt) => {
          if (attempt > 0) o.progress(`${o.variant} ${e}`, 'p50 disagreed with the autocannon CLI: measuring the A B A span once more');
          return abA();
        },
        (span) => (p50Disagrees(span) ? ['p50 disagrees with the autocannon CLI'] : []),
      );
      if (first === undefined) {
        windows.push({ endpoint: e, load: again.load, cli: again.cli, calibrationLoad: again.load.latency, ...pressureOf(again) });
        continue;
      }
      // Both attempts' requests count as load; the calibration row is the repeat's, the first is listed.
      windows.push({
        endpoint: e,
        load: toWindow([...first.result.parts, ...again.parts]),
        cli: again.cli,
        calibrationLoad: again.load.latency,
        ...pressureOf(again),
        superseded: { load: first.result.load.latency, cli: first.result.cli, ...pressureOf(first.result) },
      });
    }
    return { variant: o.variant, round: o.round, pid: server.pid, warmupRequests: warm.reduce((a, r) => a + r.requests, 0), windows };
  } finally {
    await server.stop();
  }
}

/**
 * Below this share of the offered rate, loadlab's first half shows a saturated server: no CLI
 * window. Far from 1 on purpose: a short half's rate is coarse (autocannon's start/finish of 100
 * requests at 100 req/s read 2.0 s, i.e. 49.9 req/s, in the test), while a saturated server is
 * far below (the audited actions listing at 10x data served 4 req/s of the 50 offered).
 */
const SATURATED_SHARE = 0.25;

interface CalibratedSpan {
  parts: HttpLoadResult[];
  load: LoadWindow;
  cli: CliOutcome;
  cpuPressure: number | undefined;
}

const pressureOf = (s: { cpuPressure: number | undefined }): { cpuPressure?: number } =>
  s.cpuPressure === undefined ? {} : { cpuPressure: s.cpuPressure };

/** Whether a span's p50 is decisively outside the bounds (calibration.ts decides it the same way). */
function p50Disagrees(s: CalibratedSpan): boolean {
  return s.cli.kind === 'measured' && p50Verdict(s.load.latency, s.cli.result) === 'outside';
}

/**
 * loadlab's window in two halves around the autocannon CLI's (A B A), on the same URL, rate and
 * connections, with the share of the span in which the machine was short of CPU.
 */
async function calibratedSpan(
  common: { headers: Record<string, string>; connections: number; overallRate: number; signal: AbortSignal },
  url: string,
  amount: number,
  progress: (figure: string) => void,
): Promise<CalibratedSpan> {
  const first = Math.ceil(amount / 2);
  const span = cpuPressureSpan();
  const before = await runHttpLoad({ ...common, url, amount: first });
  const served = (before.requests * 1000) / Math.max(1, before.durationMs);
  let cli: CliOutcome;
  if (served < SATURATED_SHARE * common.overallRate) {
    // A server that cannot keep up queues the offered load: loadlab's open model times each
    // request from its intended start (queueing included), autocannon's -C from its send, so the
    // two measure different things and no ratio of them says anything about either tool.
    cli = {
      kind: 'skipped',
      reason: `the server sustained ${served.toFixed(1)} req/s of the ${common.overallRate} offered (under ${SATURATED_SHARE * 100} %): saturated, so an open-model and a closed-loop generator do not measure the same latency`,
    };
  } else {
    progress(' (autocannon CLI)');
    cli = await runCli({ ...common, url, amount, warmupAmount: Math.min(amount, common.overallRate) });
  }
  progress(' second half');
  const after = await runHttpLoad({ ...common, url, amount: amount - first });
  const parts = [before, after];
  return { parts, load: toWindow(parts), cli, cpuPressure: span.stop() };
}

/** A calibration that cannot run is reported as skipped; only an abort stops the scenario. */
async function runCli(o: Parameters<typeof runAutocannonCli>[0] & { signal: AbortSignal }): Promise<CliOutcome> {
  try {
    const result = await runAutocannonCli(o);
    const bad = result.non2xx + result.errors + result.timeouts;
    if (bad > 0)
      return { kind: 'skipped', reason: `the autocannon CLI saw ${bad} non-2xx responses or errors: its latencies would mix failures in` };
    return { kind: 'measured', result };
  } catch (err) {
    if (o.signal.aborted) throw err;
    return { kind: 'skipped', reason: err instanceof Error ? err.message : String(err) };
  }
}
