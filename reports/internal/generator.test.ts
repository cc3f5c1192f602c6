import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../harness/result/index.js';
import { generatorRows } from './generator.js';

const scenario = (generator: ScenarioResult['generator']): ScenarioResult =>
  ({ name: 'state-memory', ...(generator === undefined ? {} : { generator }) }) as ScenarioResult;

describe('generatorRows', () => {
  const base = {
    eventLoopDelayP99Ms: 312,
    eventLoopDelayLimitMs: 2000,
    cpuP95Percent: 99.3,
    cpuLimitPercent: 400,
    cpuOf: 'main thread' as const,
  };

  it('shows the figures beside their limits, and the forced GCs left out of the loop delay', () => {
    const [row] = generatorRows([scenario({ ...base, excludedStalls: { count: 30, ms: 1430.4 } })]);
    expect(row).toEqual([
      'state-memory',
      '312.0 ms (limit 2,000 ms); 30 forced GC(s), 1430 ms in all, left out',
      '99.3 %, main thread (limit 400 %)',
      'yes',
    ]);
  });

  it('says untrusted when a figure passes its limit, and skips scenarios without a generator', () => {
    const rows = generatorRows([scenario({ ...base, eventLoopDelayP99Ms: 2281.7 }), scenario(undefined)]);
    expect(rows).toHaveLength(1);
    expect(rows[0]![1]).toBe('2281.7 ms (limit 2,000 ms)');
    expect(rows[0]![3]).toBe('no: untrusted');
  });
});
