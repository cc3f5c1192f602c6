import type { ResourceSamples } from './sampler.js';

/**
 * When the load generator itself is saturated, latencies it measures include its own queueing,
 * so the scenario's numbers describe the harness, not the system under test. These limits mark
 * such a result untrusted (exit 6) instead of silently reporting it.
 */
export interface SelfCheckThresholds {
  /** Event-loop delay p99 over the run, ms. A healthy idle loop sits near 10-20 ms at resolution 10. */
  eventLoopDelayP99Ms: number;
  /** p95 of per-interval CPU % of one core: the main thread cannot go past ~100. */
  cpuPercentP95: number;
}

export const SELF_CHECK_DEFAULTS: SelfCheckThresholds = { eventLoopDelayP99Ms: 50, cpuPercentP95: 90 };

export interface SelfCheckResult {
  trusted: boolean;
  reasons: string[];
}

const fmt = (x: number): string => x.toFixed(1);

export function generatorSelfCheck(
  samples: Pick<ResourceSamples, 'eventLoopDelay' | 'cpuPercent'>,
  thresholds: Partial<SelfCheckThresholds> = {},
): SelfCheckResult {
  const t = { ...SELF_CHECK_DEFAULTS, ...thresholds };
  const reasons: string[] = [];
  if (samples.eventLoopDelay.p99 > t.eventLoopDelayP99Ms) {
    reasons.push(`load generator event-loop delay p99 ${fmt(samples.eventLoopDelay.p99)} ms > ${t.eventLoopDelayP99Ms} ms`);
  }
  if (samples.cpuPercent.count > 0 && samples.cpuPercent.p95 > t.cpuPercentP95) {
    reasons.push(`load generator CPU p95 ${fmt(samples.cpuPercent.p95)}% of one core > ${t.cpuPercentP95}%`);
  }
  return { trusted: reasons.length === 0, reasons };
}
