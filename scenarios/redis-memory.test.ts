import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { claimSpec } from '../harness/audit/index.js';
import { runScenarioForTest } from '../test/support/index.js';
import { inventory, keyPattern } from './internal/redis-memory/inventory.js';
import { redisMemoryScenario, type RedisMemoryParams } from './redis-memory.js';

describe('redis-memory', () => {
  it('measures bytes per session by key pattern and extrapolates to 7,000 sessions', async () => {
    const out = await runScenarioForTest<RedisMemoryParams>(redisMemoryScenario, { params: { sessions: 4, concurrency: 2 } });
    const c = out.result.measurements.counters;
    expect(out.result.error).toBeUndefined();
    expect(c['redis.sessions.completed']?.value).toBe(4);
    const perSession = c['redis.perSession.bytes']?.value ?? 0;
    // A session leaves at least its metadata and event history: kilobytes, not bytes or megabytes.
    expect(perSession).toBeGreaterThan(1_000);
    expect(perSession).toBeLessThan(1_000_000);
    expect(c['redis.group.events_history:{session}.keys']?.value).toBe(4);
    expect(c['redis.group.metadata:{session}.keys']?.value).toBe(4);
    // INFO used_memory agrees with the per-key sum within a factor of two (allocator overhead).
    const delta = c['redis.perSession.usedMemoryDeltaBytes']?.value ?? 0;
    expect(delta / perSession).toBeGreaterThan(0.5);
    expect(delta / perSession).toBeLessThan(2);
    const claim = out.claims.find((cl) => cl.id === 'C22');
    const extrapolated = perSession * 7_000 + (c['redis.sharedBytes']?.value ?? 0);
    expect(claim?.measured.value).toBeCloseTo(extrapolated, -3);
    // The event history alone (~50 events of ~1 KB each) outweighs the audit's 10 KB, so the
    // engine's sessions cannot come out below half the audit's 65 KB: never refuted from below.
    expect(c['redis.group.events_history:{session}.bytes']?.value ?? 0).toBeGreaterThan(4 * 10_000);
    expect(extrapolated).toBeGreaterThan(455e6 / 2);
    // The verdict is the catalogue's bound applied to the extrapolation: not any verdict.
    expect(claim).toMatchObject({ evidence: 'measured', verdict: claimSpec('C22').judge(extrapolated) });
    expect(claim?.verdict).not.toBe('premise-false');

    // C39: metadata:{session} is a JSON string of status and timestamps, hundreds of bytes: the
    // audit's 5 KB is more than twice that, so refuted from below.
    const meta = out.claims.find((cl) => cl.id === 'C39');
    expect(meta?.measured.value).toBe(c['redis.audited.perSession.metadataBytes']?.value);
    expect(meta?.measured.value ?? 0).toBeGreaterThan(100);
    expect(meta?.measured.value ?? Infinity).toBeLessThan(2_500);
    expect(meta).toMatchObject({ evidence: 'measured', verdict: 'refuted' });
    // C40: the event history is the component above; every event the engine emitted is in it
    // (LLEN), each ~1 KB, not 200 B: refuted from above. The summary carries both factors.
    const events = out.claims.find((cl) => cl.id === 'C40');
    const held = c['redis.audited.perSession.eventsHeld']?.value ?? 0;
    expect(events?.measured.value).toBe(c['redis.audited.perSession.eventsBytes']?.value);
    expect(held).toBeCloseTo(c['redis.perSession.events']?.value ?? -1, 5);
    expect(events).toMatchObject({ evidence: 'measured', verdict: 'refuted' });
    expect(events?.measured.summary).toContain(`${held.toFixed(1)} events per session`);
    expect(events?.measured.summary).toContain(`× ${Math.round((events?.measured.value ?? 0) / held)} B per event`);
    // C42: the audited checkpoint keeps its 7-day TTL after the session, so the longest-lived group
    // is 7 d: 7,000 sessions at 1,000/day. At 100 and 10,000 a day the same TTL gives 700 and
    // 70,000, both refuted, so the verdict is model-dependent: inconclusive.
    const resident = out.claims.find((cl) => cl.id === 'C42');
    const ttl = c['redis.audited.longestTtlSeconds']?.value ?? 0;
    expect(ttl).toBeGreaterThan(604_800 - 120);
    expect(ttl).toBeLessThanOrEqual(604_800);
    expect(resident?.measured.value).toBeCloseTo((ttl / 86_400) * 1_000, 6);
    expect(resident?.constants).toEqual([
      expect.objectContaining({ name: 'sessions.per_day', value: 1_000, verdictLow: 'refuted', verdictHigh: 'refuted' }),
    ]);
    expect(resident?.constants?.[0]?.measuredLow).toBeCloseTo((ttl / 86_400) * 100, 6);
    expect(resident?.constants?.[0]?.measuredHigh).toBeCloseTo((ttl / 86_400) * 10_000, 6);
    expect(resident).toMatchObject({ evidence: 'modelled', verdict: 'inconclusive' });
    expect(resident?.verdictReason).toMatch(/model-dependent/);
    expect(claimSpec('C42').judge(resident?.measured.value ?? 0)).toBe('confirmed');
    // The optimized variant expires everything 1 h after the session: its longest TTL is the cleanup's.
    expect(c['redis.optimized.longestTtlSeconds']?.value ?? Infinity).toBeLessThanOrEqual(3_600);
  }, 90_000);

  it('inventories items, the longest TTL and bytes by session from real Redis', async () => {
    const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    const prefix = `rm_inv_test_${process.pid}_${Date.now()}:`;
    const [s1, s2] = ['bo1_0b5e1f2a-1111-4222-8333-444455556666', 'bo1_0b5e1f2a-1111-4222-8333-444455557777'];
    try {
      await redis
        .multi()
        .rpush(`${prefix}events_history:${s1}`, 'a', 'b', 'c')
        .expire(`${prefix}events_history:${s1}`, 3_600)
        .rpush(`${prefix}events_history:${s2}`, 'd')
        .expire(`${prefix}events_history:${s2}`, 600)
        .hset(`${prefix}checkpoint_parts:${s1}`, { session: 'x', sp0: 'y' })
        .set(`${prefix}metadata:${s2}`, '{}')
        .set(`${prefix}user_context:u1`, '{}', 'EX', 300)
        .exec();
      const groups = await inventory(redis, { prefix, userIds: ['u1'], shortTtlSeconds: 3_600 });
      const g = (pattern: string) => groups.find((x) => x.pattern === pattern);
      expect(g('events_history:{session}')).toMatchObject({ keys: 2, items: 4, perSession: true });
      expect(g('events_history:{session}')?.maxTtlSeconds).toBeGreaterThan(3_500);
      expect(g('events_history:{session}')?.maxTtlSeconds).toBeLessThanOrEqual(3_600);
      expect([...(g('events_history:{session}')?.bySession.keys() ?? [])].sort()).toEqual([s1, s2]);
      expect(g('checkpoint_parts:{session}')).toMatchObject({ keys: 1, items: 2 });
      // A key without TTL never expires: its group outlives every session.
      expect(g('metadata:{session}')).toMatchObject({ items: 1, maxTtlSeconds: Number.POSITIVE_INFINITY });
      expect(g('user_context:{user}')).toMatchObject({ perSession: false, items: 1 });
      expect(g('user_context:{user}')?.bySession.size).toBe(0);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('groups keys by pattern', () => {
    const sid = 'bo1_0b5e1f2a-1111-4222-8333-444455556666';
    expect(keyPattern(`x:metadata:${sid}`, 'x:', [])).toBe('metadata:{session}');
    expect(keyPattern('user_context:rm_user_3', '', ['rm_user_3'])).toBe('user_context:{user}');
    expect(keyPattern('llm:cache:0123456789abcdef0123', '', [])).toBe('llm:cache:{hash}');
  });
});
