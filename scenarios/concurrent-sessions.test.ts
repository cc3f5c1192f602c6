import { describe, expect, it } from 'vitest';
import { runScenarioForTest } from '../test/support/index.js';
import { concurrentSessionsScenario, type ConcurrentSessionsParams } from './concurrent-sessions.js';

describe('concurrent-sessions', () => {
  it('evicts in FIFO order, honours the grace period and serialises over-cap starts only in the audited variant', async () => {
    const params: Partial<ConcurrentSessionsParams> = { sessions: 14, cap: 10, graceMs: 150, rounds: 1 };
    const out = await runScenarioForTest<ConcurrentSessionsParams>(concurrentSessionsScenario, { params });
    const c = out.result.measurements.counters;
    const h = out.result.measurements.histograms;
    expect(out.result.error).toBeUndefined();
    expect(c['eviction.count']?.value).toBe(2 * 4);
    expect(c['eviction.fifoViolations']?.value).toBe(0);
    expect(c['sessions.maxActive']?.value).toBeLessThanOrEqual(10);
    expect(c['eviction.warningsMissing']?.value).toBe(0);
    expect(c['eviction.statusMismatches']?.value).toBe(0);
    expect(h['eviction.audited.stopAfterMs']?.min).toBeGreaterThanOrEqual(150 * 0.95);
    // Audited: the 4th over-cap start waits ~4 grace periods; optimized does not wait for any.
    const audited = h['start.audited.overCapMs'];
    const optimized = h['start.optimized.overCapMs'];
    expect(audited?.count).toBe(4);
    expect(audited?.max).toBeGreaterThan(3 * 150);
    expect(optimized?.p95).toBeLessThan(audited?.p95 ?? 0);
    expect(out.result.comparisons[0]?.ratio).toBeGreaterThan(2);
    expect(out.claims.find((cl) => cl.id === 'C19')?.verdict).toBe('confirmed');
    expect(
      out.result.evidence.timelines.some(
        (t) => t.name === 'capacity-audited' && t.series.some((s) => s.name === 'waitingStarts' && s.points.some((pt) => pt.value > 0)),
      ),
    ).toBe(true);
  }, 120_000);
});
