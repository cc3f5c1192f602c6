import { describe, expect, it } from 'vitest';
import { claimSpec } from '../harness/audit/index.js';
import { runScenarioForTest } from '../test/support/index.js';
import { keyPattern } from './internal/redis-memory/inventory.js';
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
  }, 90_000);

  it('groups keys by pattern', () => {
    const sid = 'bo1_0b5e1f2a-1111-4222-8333-444455556666';
    expect(keyPattern(`x:metadata:${sid}`, 'x:', [])).toBe('metadata:{session}');
    expect(keyPattern('user_context:rm_user_3', '', ['rm_user_3'])).toBe('user_context:{user}');
    expect(keyPattern('llm:cache:0123456789abcdef0123', '', [])).toBe('llm:cache:{hash}');
  });
});
