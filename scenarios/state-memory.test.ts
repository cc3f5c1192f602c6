import { describe, expect, it } from 'vitest';
import { runScenarioForTest } from '../test/support/index.js';
import { stateMemoryScenario, type StateMemoryParams } from './state-memory.js';

describe('state-memory scenario', () => {
  it('measures retained contribution bytes per session and a pruning reduction, plus heap per held session', async () => {
    const out = await runScenarioForTest<StateMemoryParams>(stateMemoryScenario, {
      params: { subProblemCounts: [1, 2], problems: 1, heapCounts: [1], heapSessions: 4, heapRepeats: 1 },
    });
    expect(out.result.status, JSON.stringify(out.result.error)).toBe('passed');
    const c24 = out.claims.find((c) => c.id === 'C24')?.measured.value ?? 0;
    // A single sub-problem holds a handful of ~1.4 KB contributions: a few KB to a few tens of KB.
    expect(c24).toBeGreaterThan(4_000);
    expect(c24).toBeLessThan(40_000);
    const c25 = out.claims.find((c) => c.id === 'C25')?.measured.value ?? -1;
    expect(c25).toBeGreaterThanOrEqual(0);
    expect(c25).toBeLessThan(100);
    const m = out.result.measurements.counters;
    expect(m['state.retained.off.sp2']?.value).toBeGreaterThan(m['state.retained.off.sp1']?.value ?? Infinity);
    expect(m['state.heap_per_session.off.sp1']).toBeDefined();
  }, 120_000);
});
