import { HISTOGRAM_RANGES, Histogram } from '../metrics/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import { WindowedStats } from './internal/windows.js';
import { errorCode } from './types.js';
import type { LoadOp, LoadResult } from './types.js';

export interface OpenModelOptions {
  /** Arrivals per second, independent of how fast operations complete. */
  ratePerSec: number;
  durationMs: number;
  op: LoadOp;
  /** Starts beyond this many in flight are dropped and counted, not queued in the generator. */
  maxInFlight?: number;
  /** After the last arrival, how long in-flight ops may finish before they are aborted. */
  drainTimeoutMs?: number;
  windowMs?: number;
  /** performance.now() of the scenario start, so series align with fault marks. */
  t0?: number;
  signal?: AbortSignal;
}

export const OPEN_MODEL_DEFAULTS = { maxInFlight: 1_000, drainTimeoutMs: 5_000, windowMs: 1_000 } as const;

// Ops that ignore their abort signal get this much longer before the run gives up on them.
const ABORT_GRACE_MS = 1_000;

/**
 * Open-model driver: operation i is due at t0 + i/rate whatever happened before it, and its
 * latency is measured from that intended start, so a stalled system shows its full queueing
 * delay instead of the generator politely waiting (coordinated omission, Gil Tene).
 */
export async function runOpenModel(opts: OpenModelOptions): Promise<LoadResult> {
  if (!(opts.ratePerSec > 0) || !(opts.durationMs > 0)) {
    throw new LoadlabError(
      HARNESS_ERRORS.LOAD_INVALID,
      `open model needs ratePerSec > 0 and durationMs > 0 (got ${opts.ratePerSec}, ${opts.durationMs})`,
    );
  }
  const maxInFlight = opts.maxInFlight ?? OPEN_MODEL_DEFAULTS.maxInFlight;
  const drainTimeoutMs = opts.drainTimeoutMs ?? OPEN_MODEL_DEFAULTS.drainTimeoutMs;
  const t0 = opts.t0 ?? performance.now();
  const interval = 1000 / opts.ratePerSec;
  const total = Math.floor((opts.durationMs * opts.ratePerSec) / 1000);
  const latency = new Histogram(HISTOGRAM_RANGES.latencyMs);
  const serviceTime = new Histogram(HISTOGRAM_RANGES.latencyMs);
  const windows = new WindowedStats(t0, opts.windowMs ?? OPEN_MODEL_DEFAULTS.windowMs);
  const errors: Record<string, number> = {};
  const ac = new AbortController();
  let started = 0;
  let ok = 0;
  let dropped = 0;
  let inFlight = 0;
  let lastEnd = t0;
  let finished = false;
  let onIdle: (() => void) | undefined;

  const settle = (intended: number, actual: number, err: unknown, success: boolean): void => {
    inFlight--;
    if (finished) return;
    const end = performance.now();
    lastEnd = Math.max(lastEnd, end);
    latency.record(end - intended);
    serviceTime.record(end - actual);
    windows.record(end - intended, success, end);
    if (success) ok++;
    else {
      const code = errorCode(err);
      errors[code] = (errors[code] ?? 0) + 1;
    }
    if (inFlight === 0) onIdle?.();
  };

  const launch = (i: number): void => {
    if (inFlight >= maxInFlight) {
      dropped++;
      return;
    }
    const intended = t0 + i * interval;
    const actual = performance.now();
    inFlight++;
    started++;
    let p: Promise<void>;
    try {
      p = opts.op(i, ac.signal);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      () => settle(intended, actual, undefined, true),
      (err: unknown) => settle(intended, actual, err, false),
    );
  };

  const stopExternal = (): void => ac.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', stopExternal, { once: true });

  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = (): void => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now && !ac.signal.aborted) launch(next++);
      if (next >= total || ac.signal.aborted) resolve();
      else setTimeout(tick, Math.max(0, t0 + next * interval - performance.now()));
    };
    tick();
  });

  const waitIdle = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (inFlight === 0) return resolve();
      const timer = setTimeout(resolve, ms);
      onIdle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  await waitIdle(ac.signal.aborted ? 0 : drainTimeoutMs);
  if (inFlight > 0) {
    ac.abort(new LoadlabError(HARNESS_ERRORS.LOAD_DRAIN_TIMEOUT, 'drain timeout'));
    await waitIdle(ABORT_GRACE_MS);
  }
  finished = true;
  if (inFlight > 0) errors['DRAIN_TIMEOUT'] = (errors['DRAIN_TIMEOUT'] ?? 0) + inFlight;
  opts.signal?.removeEventListener('abort', stopExternal);

  const durationMs = Math.max(lastEnd - t0, 1);
  const failed = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    model: 'open',
    durationMs,
    started,
    ok,
    errors,
    dropped,
    throughput: ((ok + failed) * 1000) / durationMs,
    latency: latency.summarize(),
    serviceTime: serviceTime.summarize(),
    series: windows.toSeries(),
    histograms: { latency, serviceTime },
  };
}
