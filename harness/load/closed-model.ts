import { HISTOGRAM_RANGES, Histogram } from '../metrics/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import { WindowedStats } from './internal/windows.js';
import { errorCode } from './types.js';
import type { LoadOp, LoadResult } from './types.js';

export interface ClosedModelOptions {
  /** Workers, each running one operation at a time. */
  concurrency: number;
  op: LoadOp;
  /** Stop starting new operations after this long. At least one of durationMs / count. */
  durationMs?: number;
  /** Total operations across all workers. */
  count?: number;
  /** Pause between a worker's operations (a user reading the page). */
  thinkTimeMs?: number;
  windowMs?: number;
  t0?: number;
  signal?: AbortSignal;
}

/**
 * Closed-model driver: N workers, each starting its next operation when the previous one ends.
 * Throughput is an output here (Little's law: X = N / (W + Z)), which is what a concurrency sweep
 * needs. Latency is from the actual start: by design a closed model cannot show queueing it never
 * generated, so use the open model for latency budgets under a given arrival rate.
 */
export async function runClosedModel(opts: ClosedModelOptions): Promise<LoadResult> {
  if (!(opts.concurrency >= 1) || (opts.durationMs === undefined && opts.count === undefined)) {
    throw new LoadlabError(HARNESS_ERRORS.LOAD_INVALID, 'closed model needs concurrency >= 1 and durationMs or count');
  }
  const t0 = opts.t0 ?? performance.now();
  const latency = new Histogram(HISTOGRAM_RANGES.latencyMs);
  const windows = new WindowedStats(t0, opts.windowMs ?? 1_000);
  const errors: Record<string, number> = {};
  const ac = new AbortController();
  const onAbort = (): void => ac.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline = opts.durationMs === undefined ? Number.POSITIVE_INFINITY : t0 + opts.durationMs;
  let next = 0;
  let ok = 0;

  const worker = async (): Promise<void> => {
    while (!ac.signal.aborted && performance.now() < deadline && (opts.count === undefined || next < opts.count)) {
      const i = next++;
      const start = performance.now();
      try {
        await opts.op(i, ac.signal);
        ok++;
        const end = performance.now();
        latency.record(end - start);
        windows.record(end - start, true, end);
      } catch (err) {
        const end = performance.now();
        const code = errorCode(err);
        errors[code] = (errors[code] ?? 0) + 1;
        latency.record(end - start);
        windows.record(end - start, false, end);
      }
      if (opts.thinkTimeMs !== undefined && opts.thinkTimeMs > 0) await new Promise((r) => setTimeout(r, opts.thinkTimeMs));
    }
  };

  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  opts.signal?.removeEventListener('abort', onAbort);
  const durationMs = Math.max(performance.now() - t0, 1);
  const failed = Object.values(errors).reduce((a, b) => a + b, 0);
  const summary = latency.summarize();
  return {
    model: 'closed',
    durationMs,
    started: next,
    ok,
    errors,
    dropped: 0,
    throughput: ((ok + failed) * 1000) / durationMs,
    latency: summary,
    serviceTime: summary,
    series: windows.toSeries(),
    histograms: { latency, serviceTime: latency },
  };
}
