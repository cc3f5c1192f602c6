import type { CapacityLevel, CapacityModel, Counter, LittleCheck } from '../result/index.js';
import { findKnee } from './knee.js';
import type { KneeOptions } from './knee.js';
import { fitUsl } from './usl.js';

export interface LittleOptions {
  /** Largest relative gap between L = X·W and the measured concurrency still called consistent. */
  tolerance?: number;
  /** Think time per cycle in ms (closed model): L = X·(W + Z) counts it in the cycle. */
  thinkTimeMs?: number;
}

/**
 * Little's law cross-check per level: in a closed system L = X·W must equal the concurrency the
 * driver held. A large gap means the figures are wrong (throughput counted over the wrong span,
 * latency missing queueing, or workers idle), so it guards the whole sweep.
 * W is the mean latency when given, else p50 (right-skewed latencies make that an underestimate).
 */
export function littlesLawCheck(levels: readonly CapacityLevel[], opts: LittleOptions = {}): LittleCheck[] {
  const tolerance = opts.tolerance ?? 0.2;
  const z = opts.thinkTimeMs ?? 0;
  return levels.map((l) => {
    const w = (l.latencyMeanMs ?? l.latencyP50Ms) + z;
    const predicted = (l.throughput * w) / 1000;
    const relativeError = Math.abs(predicted - l.concurrency) / l.concurrency;
    return { concurrency: l.concurrency, predicted, measured: l.concurrency, relativeError, ok: relativeError <= tolerance };
  });
}

export interface CapacityModelOptions {
  knee?: KneeOptions;
  little?: LittleOptions;
  /** Extra projections to store, e.g. { 'sessions.per_day.knee': ... }. Per-second and per-day at the knee are added. */
  projections?: Record<string, Counter>;
}

/**
 * Everything the capacity section of a report needs, computed here so renderers compute nothing:
 * levels, knee, USL fit (null with fewer than 3 levels), Little's-law check and projections.
 */
export function buildCapacityModel(scenario: string, levels: readonly CapacityLevel[], opts: CapacityModelOptions = {}): CapacityModel {
  const sorted = [...levels].sort((a, b) => a.concurrency - b.concurrency);
  const knee = findKnee(sorted, opts.knee);
  const usl =
    new Set(sorted.map((l) => l.concurrency)).size >= 3 ? fitUsl(sorted.map((l) => ({ n: l.concurrency, x: l.throughput }))) : null;
  const projections: Record<string, Counter> = { ...opts.projections };
  const unit = sorted[0]?.throughputUnit;
  if (knee !== null && unit === 'sessions/s') {
    projections['sessions.per_second.knee'] = { value: knee.throughput, unit: 'sessions/s' };
    projections['sessions.per_day.knee'] = { value: Math.round(knee.throughput * 86_400), unit: 'sessions/day' };
  }
  return { scenario, levels: sorted, knee, usl, littlesLaw: littlesLawCheck(sorted, opts.little), projections };
}
