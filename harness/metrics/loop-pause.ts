import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

/**
 * Event-loop delay as perf_hooks' monitorEventLoopDelay measures it (the time between two firings
 * of a timer of `resolutionMs`, so an idle loop reads about the resolution), with one difference:
 * a deliberate stall the harness causes on purpose (a forced full GC before a heap reading) can be
 * left out. monitorEventLoopDelay cannot do that: disabling it keeps the time of its last firing,
 * so the stall is recorded on the first firing after it is enabled again.
 */
export interface LoopDelayMonitor {
  /** Whole-run delays, ns. */
  readonly overall: RecordableHistogram;
  /** Delays since the last resetInterval(), ns. */
  readonly interval: RecordableHistogram;
  resetInterval(): void;
  stop(): void;
}

const monitors = new Set<{ restart: () => void }>();
let excluded = { count: 0, ms: 0 };

export function startLoopDelayMonitor(resolutionMs = 10): LoopDelayMonitor {
  const overall = createHistogram();
  let interval = createHistogram();
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const ns = Math.max(1, Math.round((now - last) * 1e6));
    last = now;
    overall.record(ns);
    interval.record(ns);
  }, resolutionMs);
  timer.unref();
  const entry = {
    restart: (): void => {
      last = performance.now();
    },
  };
  monitors.add(entry);
  return {
    overall,
    get interval() {
      return interval;
    },
    resetInterval: () => {
      interval = createHistogram();
    },
    stop: () => {
      clearInterval(timer);
      monitors.delete(entry);
    },
  };
}

/**
 * Runs a synchronous, deliberate stall and leaves it out of every running monitor: each restarts
 * its clock when the stall ends. Returns fn's value; the stall is counted (excludedLoopStalls).
 */
export function excludedFromLoopDelay<T>(fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    excluded = { count: excluded.count + 1, ms: excluded.ms + (performance.now() - t0) };
    for (const m of monitors) m.restart();
  }
}

/** Stalls excluded since the process started (count, total ms): a sampler reports its share as a difference. */
export function excludedLoopStalls(): { count: number; ms: number } {
  return { ...excluded };
}
