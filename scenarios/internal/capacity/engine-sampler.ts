import type { Engine } from '../../../engine/index.js';

/** What the engine's gauges showed over a run, sampled every `everyMs`. */
export interface EngineSamples {
  samples: number;
  /** Samples with start() calls queued behind the session cap / with clients waiting for the pool. */
  withWaitingStarts: number;
  withPoolWaiters: number;
  peakActive: number;
  peakWaitingStarts: number;
  peakPoolWaiting: number;
  peakPoolClients: number;
}

/**
 * Samples the engine's session and pool gauges on a timer (unref'd) until `stop()`, which returns
 * the counts. One sampler for the closed sweep and the open tier arrivals, so both score the
 * session cap and the pool the same way.
 */
export function sampleEngine(engine: Engine, everyMs: number): { stop(): EngineSamples } {
  const s: EngineSamples = {
    samples: 0,
    withWaitingStarts: 0,
    withPoolWaiters: 0,
    peakActive: 0,
    peakWaitingStarts: 0,
    peakPoolWaiting: 0,
    peakPoolClients: 0,
  };
  const timer = setInterval(() => {
    const m = engine.metrics();
    s.samples += 1;
    if (m.sessions.waitingStarts > 0) s.withWaitingStarts += 1;
    if (m.pool.waiting > 0) s.withPoolWaiters += 1;
    s.peakActive = Math.max(s.peakActive, m.sessions.active);
    s.peakWaitingStarts = Math.max(s.peakWaitingStarts, m.sessions.waitingStarts);
    s.peakPoolWaiting = Math.max(s.peakPoolWaiting, m.pool.waiting);
    s.peakPoolClients = Math.max(s.peakPoolClients, m.pool.total);
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return { ...s };
    },
  };
}
