import type { GeneratorHeadroom } from '../result/index.js';
import type { ResourceSamples } from './sampler.js';

/**
 * When the load generator itself is saturated, latencies it measures include its own queueing,
 * so the scenario's numbers describe the harness, not the system under test. These limits mark
 * such a result untrusted (exit 6) instead of silently reporting it.
 */
export interface SelfCheckThresholds {
  /** Event-loop delay p99 over the run, ms. A healthy idle loop sits near 10-20 ms at resolution 10. */
  eventLoopDelayP99Ms: number;
  /**
   * p95 of the main thread's per-interval CPU % of one core (it cannot go past ~100). Where the OS
   * gives no per-thread time, the whole process's CPU stands in (helper threads included).
   */
  cpuPercentP95: number;
}

export const SELF_CHECK_DEFAULTS: SelfCheckThresholds = { eventLoopDelayP99Ms: 50, cpuPercentP95: 90 };

export interface SelfCheckResult {
  trusted: boolean;
  reasons: string[];
  /** The figures the check compared, beside their limits, for the report's headroom table. */
  headroom: GeneratorHeadroom;
}

const fmt = (x: number): string => x.toFixed(1);

export function generatorSelfCheck(
  samples: Pick<ResourceSamples, 'eventLoopDelay' | 'cpuPercent' | 'mainThreadCpuPercent'> &
    Partial<Pick<ResourceSamples, 'excludedStalls'>>,
  thresholds: Partial<SelfCheckThresholds> = {},
): SelfCheckResult {
  const t = { ...SELF_CHECK_DEFAULTS, ...thresholds };
  const reasons: string[] = [];
  if (samples.eventLoopDelay.p99 > t.eventLoopDelayP99Ms) {
    reasons.push(`load generator event-loop delay p99 ${fmt(samples.eventLoopDelay.p99)} ms > ${t.eventLoopDelayP99Ms} ms`);
  }
  const [cpu, whose] =
    samples.mainThreadCpuPercent.count > 0 ? [samples.mainThreadCpuPercent, 'main-thread CPU'] : [samples.cpuPercent, 'CPU'];
  if (cpu.count > 0 && cpu.p95 > t.cpuPercentP95) {
    reasons.push(`load generator ${whose} p95 ${fmt(cpu.p95)}% of one core > ${t.cpuPercentP95}%`);
  }
  return {
    trusted: reasons.length === 0,
    reasons,
    headroom: {
      eventLoopDelayP99Ms: samples.eventLoopDelay.p99,
      eventLoopDelayLimitMs: t.eventLoopDelayP99Ms,
      cpuP95Percent: cpu.count > 0 ? cpu.p95 : null,
      cpuLimitPercent: t.cpuPercentP95,
      cpuOf: whose === 'main-thread CPU' ? 'main thread' : 'process',
      ...(samples.excludedStalls !== undefined && samples.excludedStalls.count > 0 ? { excludedStalls: samples.excludedStalls } : {}),
    },
  };
}
