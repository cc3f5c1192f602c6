import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type EngineConfigInput } from '../engine/config/index.js';
import { History } from '../harness/load/index.js';
import { createTestDatabase, runScenarioForTest, TEST_REDIS_URL, type TestDatabase } from '../test/support/index.js';
import { costBufferOverflowScenario } from './cost-buffer-overflow.js';
import { growthPerRecord, type DepthSample } from './internal/cost-buffer-overflow/failing-flushes.js';
import { observeFlushTriggers } from './internal/cost-buffer-overflow/flush-triggers.js';
import { checkEvictions } from './internal/cost-buffer-overflow/oracle.js';
import { openDirectCosts } from './internal/cost-buffer-overflow/rig.js';
import { silentLogger } from '../engine/log/index.js';

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

    // C46, phase D (2,000 records per regime): with PostgreSQL down every record reaches the Redis
    // list, which nothing caps; the process buffer stays below one batch. With Redis down too, the
    // buffer is capped (200 + at most one batch in flight) and the rest is evicted.
    expect(v('costs.leak.retryListGrowth')).toBe(2_000);
    expect(v('costs.leak.maxBufferedDbDown')).toBeLessThanOrEqual(100);
    expect(v('costs.leak.growthPerRecordDbDown')).toBeCloseTo(1, 1);
    expect(v('costs.leak.maxBufferedBothDown')).toBeLessThanOrEqual(400);
    expect(v('costs.leak.evicted')).toBe(1_800);
    // Only the batch in flight comes and goes (0..200 records over 1,000 fed): no growth.
    expect(Math.abs(v('costs.leak.growthPerRecordBothDown') ?? 1)).toBeLessThan(0.25);
    expect(v('costs.leak.lostBeyondEvicted')).toBe(0);
    expect(out.claims.find((cl) => cl.id === 'C46')?.verdict).toBe('confirmed');
    // C45 on the audited config: the 100th record and a record at exactly 30 s trigger the flush.
    expect(v('costs.flush.sizeTriggerAt')).toBe(100);
    expect(v('costs.flush.timeTriggerMs')).toBe(30_000);
    expect(out.claims.find((cl) => cl.id === 'C45')?.verdict).toBe('confirmed');
    // C33: a record costs less DB time in a flush of 100 than alone, in every round.
    expect(v('costs.insert.perRecordMsBatch100')).toBeLessThan(v('costs.insert.perRecordMsBatch1') ?? 0);
    const c33 = out.claims.find((cl) => cl.id === 'C33');
    expect(c33?.verdict).toBe('confirmed');
    expect(c33?.measured.interval).toMatchObject({ method: 'min-max', low: 1, high: 1, n: 2 });
  }, 120_000);

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

  it('growth per record tells a plateau from a list that keeps every record', () => {
    const at = (fed: number, buffered: number, retryList: number): DepthSample => ({
      fed,
      buffered,
      retryList,
      ledger: retryList,
      evicted: 0,
    });
    const linear = [100, 200, 300, 400].map((n) => at(n, n % 100, n - (n % 100)));
    expect(growthPerRecord(linear)).toBe(1);
    const plateau = [100, 200, 300, 400].map((n) => at(n, Math.min(n, 200), 0));
    expect(growthPerRecord(plateau)).toBe(0);
    expect(growthPerRecord([])).toBe(0);
  });
});

describe('cost flush triggers on a manual clock (C45)', () => {
  let db: TestDatabase;
  let redis: Redis;
  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'cbo_triggers' });
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await db?.drop();
  });

  const observe = async (costs: EngineConfigInput['costs']): Promise<Awaited<ReturnType<typeof observeFlushTriggers>>> => {
    const config = resolveConfig({ variant: 'audited', costs: { drainLoop: false, ...costs } });
    const direct = openDirectCosts(db.url, config, silentLogger());
    try {
      return await observeFlushTriggers({
        repository: direct.costs,
        redis,
        costs: config.costs,
        keyPrefix: `cbo_t_${randomBytes(3).toString('hex')}:`,
      });
    } finally {
      await direct.db.close();
    }
  };

  it('holds on the audited config: the 100th record, the first record at exactly 30 s, no timer', async () => {
    const t = await observe({});
    expect(t).toMatchObject({ sizeTriggerAt: 100, sizeFlushRecords: 100, timeTriggerMs: 30_000, loneRecordWaited: true, holds: true });
    // 100 (size) + 3 (time) + 1 (the lone record, flushed by hand), all in the real api_costs.
    expect(t.persisted).toBe(104);
  });

  it('fails when the batch size or the interval drifts from the audit', async () => {
    expect(await observe({ batchSize: 50 })).toMatchObject({ sizeTriggerAt: 50, holds: false });
    expect(await observe({ flushIntervalMs: 29_000 })).toMatchObject({ timeTriggerMs: 29_999, holds: false });
    expect(await observe({ flushIntervalMs: 31_000 })).toMatchObject({ timeTriggerMs: null, holds: false });
  });

  it('sees a timer flush (optimized) as no longer waiting for the next record', async () => {
    expect(await observe({ timerFlush: true })).toMatchObject({ timeTriggerMs: 30_000, loneRecordWaited: false });
  });
});
