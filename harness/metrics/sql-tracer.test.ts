import { describe, expect, it } from 'vitest';
import { SqlFingerprintAggregator, diffStatements, generatorSelfCheck } from './index.js';
import type { StatementsSnapshot } from './index.js';

describe('SqlFingerprintAggregator', () => {
  it('aggregates per fingerprint and finds N+1 by repetition under one span', () => {
    const agg = new SqlFingerprintAggregator();
    agg.hook({ fingerprint: 'list', sql: 'SELECT * FROM sessions WHERE user_id=$1', durationMs: 3, rows: 50, spanId: 'req1' });
    for (let i = 0; i < 50; i++)
      agg.hook({ fingerprint: 'meta', sql: 'SELECT * FROM meta WHERE id=$1', durationMs: 0.2, rows: 1, spanId: 'req1' });
    agg.hook({ fingerprint: 'list', sql: 'SELECT * FROM sessions WHERE user_id=$1', durationMs: 5, rows: 50, spanId: 'req2' });
    agg.hook({ fingerprint: 'meta', sql: 'x', durationMs: 0.2, rows: 1 });
    const stats = agg.stats();
    expect(stats.map((s) => s.fingerprint)).toEqual(['meta', 'list']);
    expect(stats[1]).toMatchObject({ calls: 2, rows: 100, totalMs: 8 });
    expect(stats[1]?.latency.max).toBe(5);
    expect(agg.queriesPerSpan()).toEqual(
      new Map([
        ['req1', 51],
        ['req2', 1],
      ]),
    );
    expect(agg.detectNPlusOne()).toEqual([{ spanId: 'req1', fingerprint: 'meta', repeats: 50 }]);
  });
});

describe('diffStatements', () => {
  const stat = (id: string, calls: number, totalMs: number) => ({
    queryId: id,
    query: id,
    calls,
    totalMs,
    rows: calls,
    sharedHitBlocks: 0,
    sharedReadBlocks: 0,
  });
  it('returns what ran between snapshots, most time first, and survives a reset', () => {
    const before: StatementsSnapshot = new Map([
      ['a', stat('a', 10, 10)],
      ['b', stat('b', 5, 50)],
      ['c', stat('c', 100, 100)],
    ]);
    const after: StatementsSnapshot = new Map([
      ['a', stat('a', 20, 30)],
      ['b', stat('b', 5, 50)],
      ['c', stat('c', 3, 9)],
      ['d', stat('d', 1, 1)],
    ]);
    const d = diffStatements(before, after);
    expect(d.map((x) => [x.queryId, x.calls, x.totalMs, x.meanMs])).toEqual([
      ['a', 10, 20, 2],
      ['c', 3, 9, 3],
      ['d', 1, 1, 1],
    ]);
  });
});

describe('generatorSelfCheck', () => {
  const summary = (p: number) => ({ count: 10, min: p, p50: p, p90: p, p95: p, p99: p, max: p, mean: p, stdev: 0, unit: 'ms' as const });
  const none = { ...summary(0), count: 0 };
  it('marks a saturated generator untrusted with reasons', () => {
    expect(generatorSelfCheck({ eventLoopDelay: summary(12), cpuPercent: summary(40), mainThreadCpuPercent: summary(35) })).toEqual({
      trusted: true,
      reasons: [],
      headroom: { eventLoopDelayP99Ms: 12, eventLoopDelayLimitMs: 50, cpuP95Percent: 35, cpuLimitPercent: 90, cpuOf: 'main thread' },
    });
    const bad = generatorSelfCheck({ eventLoopDelay: summary(80), cpuPercent: summary(99), mainThreadCpuPercent: summary(97) });
    expect(bad.trusted).toBe(false);
    expect(bad.reasons).toHaveLength(2);
    expect(bad.reasons[0]).toContain('event-loop delay p99 80.0 ms > 50 ms');
    expect(bad.reasons[1]).toContain('main-thread CPU p95 97.0% of one core > 90%');
  });

  it('judges the main thread, not GC and libuv helper threads, and falls back to the process without per-thread times', () => {
    // A busy process whose event loop still has room: helper threads push the process past 100 %.
    expect(generatorSelfCheck({ eventLoopDelay: summary(20), cpuPercent: summary(115), mainThreadCpuPercent: summary(70) }).trusted).toBe(
      true,
    );
    const fallback = generatorSelfCheck({ eventLoopDelay: summary(20), cpuPercent: summary(95), mainThreadCpuPercent: none });
    expect(fallback.reasons).toEqual(['load generator CPU p95 95.0% of one core > 90%']);
    expect(fallback.headroom).toMatchObject({ cpuP95Percent: 95, cpuOf: 'process' });
  });
});
