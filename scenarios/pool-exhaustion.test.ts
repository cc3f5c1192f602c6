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
    // Queue depth, not acquire-wait percentiles: a pool growing from 1 to 12 connections also
    // "waits" while each new connection is established, which on a loaded box can out-last the
    // small pool's queueing.
    expect(c['pool.pool-2.max_waiting']!.value).toBeGreaterThan(c['pool.pool-12.max_waiting']?.value ?? 0);
    expect(out.result.measurements.histograms['pool.acquire_wait.pool-2']!.count).toBeGreaterThan(0);
    expect(out.result.evidence.timelines.some((t) => t.name === 'pool-pool-2' && t.series.some((s) => s.name === 'pool waiting'))).toBe(
      true,
    );
    expect(out.claims.map((x) => x.id).sort()).toEqual(['C20', 'C21']);
    const claim = (id: string) => out.claims.find((x) => x.id === id);
    // C21 counts failed sessions per round: with 12 sessions at most 12 can fail, under half the
    // audit's 30, so these conditions can only refute it.
    expect(claim('C21')).toMatchObject({
      evidence: 'measured',
      verdict: 'refuted',
      measured: { value: c['pool.pool-2.sessions_failed']!.value },
    });
    // C20 holds only when the small pool made clients wait AND real-time demand fills 80% of it.
    const saturates = c['pool.pool-2.max_waiting']!.value > 0 && c['pool.real_time_busy_connections']!.value >= 0.8 * 2;
    expect(claim('C20')).toMatchObject({
      evidence: 'measured',
      measured: { value: saturates ? 1 : 0 },
      verdict: saturates ? 'confirmed' : 'refuted',
    });
  }, 300_000);
});
