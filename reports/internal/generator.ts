import type { ScenarioResult } from '../../harness/result/index.js';
import { num } from './format.js';

export const GENERATOR_COLUMNS = ['Scenario', 'Event-loop delay p99', 'CPU p95 (% of one core)', 'Within the limits'] as const;

/**
 * One row per scenario: the load generator's own event-loop delay and CPU beside the self-check's
 * limits, so a reader sees how close a trusted scenario came to measuring the harness instead of
 * the system. Plain text cells; each renderer escapes them.
 */
export function generatorRows(scenarios: readonly ScenarioResult[]): string[][] {
  return scenarios.flatMap((s) => {
    const g = s.generator;
    if (g === undefined) return [];
    const loopOk = g.eventLoopDelayP99Ms <= g.eventLoopDelayLimitMs;
    const cpuOk = g.cpuP95Percent === null || g.cpuP95Percent <= g.cpuLimitPercent;
    return [
      [
        s.name,
        `${g.eventLoopDelayP99Ms.toFixed(1)} ms (limit ${num(g.eventLoopDelayLimitMs)} ms)` +
          (g.excludedStalls === undefined
            ? ''
            : `; ${g.excludedStalls.count} forced GC(s), ${g.excludedStalls.ms.toFixed(0)} ms in all, left out`),
        g.cpuP95Percent === null ? 'not sampled' : `${g.cpuP95Percent.toFixed(1)} %, ${g.cpuOf} (limit ${num(g.cpuLimitPercent)} %)`,
        loopOk && cpuOk ? 'yes' : 'no: untrusted',
      ],
    ];
  });
}
