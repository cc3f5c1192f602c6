import { describe, expect, it } from 'vitest';
import { History } from '../harness/load/index.js';
import { runScenarioForTest } from '../test/support/index.js';
import { costBufferOverflowScenario } from './cost-buffer-overflow.js';
import { checkEvictions } from './internal/cost-buffer-overflow/oracle.js';

describe('cost-buffer-overflow', () => {
  it('reproduces the audit numbers, caps the buffer at 200 and loses nothing beyond the counted evictions', async () => {
    const out = await runScenarioForTest(costBufferOverflowScenario);
    const c = out.result.measurements.counters;
    const v = (name: string): number | undefined => c[name]?.value;
    expect(out.result.error).toBeUndefined();
    // audited-system.md §11.2: 250 records with the DB down -> 200 queued after two flushes, 50 buffered.
    expect(v('costs.auditTest.retryQueueDepth')).toBe(200);
    expect(v('costs.auditTest.buffered')).toBe(50);
    expect(v('costs.overflow.plateau')).toBe(200);
    expect(v('costs.overflow.evicted')).toBeGreaterThan(0);
    expect(v('costs.recovery.lostBeyondEvicted')).toBe(0);
    expect(v('costs.recovery.duplicated')).toBe(0);
    expect(v('costs.invariant.violations')).toBe(0);
    expect(v('costs.invariant.samples')).toBeGreaterThan(500);
    expect(v('costs.recovery.persisted')).toBe(500 - (v('costs.overflow.evicted') ?? 0));
    expect([0, 1]).toContain(v('costs.overflow.oldestEvictedFirst'));
    expect(v('costs.crash.queuedBeforeKill')).toBe(100);
    // The rig is the audited variant (no shadow): the crash loses the list, and the tracker says so.
    expect(v('costs.crash.lostInRetryQueue')).toBe(v('costs.crash.lost'));
    expect(v('costs.crash.phantomQueued')).toBe(0);
    expect(v('costs.crash.unaccountedLoss')).toBe(0);
    expect(out.dataLoss).toEqual([]);
    const timeline = out.result.evidence.timelines.find((t) => t.name === 'cost-buffer');
    expect(timeline?.series.find((s) => s.name === 'buffered')?.points.length).toBeGreaterThan(10);
    expect(timeline?.marks.some((m) => m.fault === 'redis-kill')).toBe(true);
    expect(out.claims.find((cl) => cl.id === 'C23')?.verdict).toBe('confirmed');
  }, 90_000);

  it('the eviction oracle flags unexplained loss and out-of-order eviction', () => {
    const h = new History();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const id of ids) {
      h.invoke(id);
      h.ok(id);
    }
    // 'a' is in Redis; 'b','c' (oldest in memory) evicted: consistent.
    expect(checkEvictions(h, ['a', 'd', 'e', 'f'], ids, new Set(['a']), 2)).toMatchObject({
      lostBeyondEvicted: 0,
      oldestFirst: 1,
      outOfOrder: 0,
    });
    // 'e' dropped instead of 'c': counted, but not oldest first.
    expect(checkEvictions(h, ['a', 'c', 'd', 'f'], ids, new Set(['a']), 2)).toMatchObject({
      lostBeyondEvicted: 0,
      oldestFirst: 0,
      outOfOrder: 1,
    });
    // Three missing with two counted evictions: real loss.
    expect(checkEvictions(h, ['a', 'd', 'f'], ids, new Set(['a']), 2).lostBeyondEvicted).toBe(1);
    // A duplicate row is reported by the history check.
    expect(checkEvictions(h, ['a', 'b', 'c', 'd', 'e', 'f', 'f'], ids, new Set(['a']), 0).history.duplicated).toEqual([
      { id: 'f', count: 2 },
    ]);
  });
});
