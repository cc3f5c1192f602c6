import { describe, expect, it } from 'vitest';
import { runScenarioForTest } from '../test/support/index.js';
import { poolExhaustionScenario, type PoolExhaustionParams } from './pool-exhaustion.js';

describe('pool-exhaustion scenario', () => {
  it('shows the small pool queueing more than the large one and judges C20/C21', async () => {
    const out = await runScenarioForTest<PoolExhaustionParams>(poolExhaustionScenario, {
      params: { sessions: 12, pools: [2, 12], rounds: 1, timeScale: 0.02, apiRatePerSec: 5 },
      seedProfile: { name: 'tiny', users: 200, sessions: 600, researchRows: 10 },
    });
    expect(out.result.error).toBeUndefined();
    const c = out.result.measurements.counters;
    expect(c['pool.pool-2.sessions_completed']!.value + c['pool.pool-2.sessions_failed']!.value).toBe(12);
    expect(c['pool.pool-12.sessions_completed']!.value).toBe(12);
    // A pool of 2 for 12 sessions must make clients wait; the wait histogram must say so.
    expect(c['pool.pool-2.max_waiting']!.value).toBeGreaterThan(0);
    const h = out.result.measurements.histograms;
    expect(h['pool.acquire_wait.pool-2']!.p95).toBeGreaterThan(h['pool.acquire_wait.pool-12']!.p95);
    expect(out.result.evidence.timelines.some((t) => t.name === 'pool-pool-2' && t.series.some((s) => s.name === 'pool waiting'))).toBe(true);
    expect(out.claims.map((x) => x.id).sort()).toEqual(['C20', 'C21']);
  }, 300_000);
});
