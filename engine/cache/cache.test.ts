import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis as RedisHandle } from '../../test/engine-support/index.js';
import { resolveConfig } from '../config/index.js';
import { AggregationCache, CircuitBreaker, createCaches, createRedisClient, PersonaSelectionCache, GuardedRedis } from './index.js';

let child: RedisHandle;
beforeAll(async () => {
  child = await startTestRedis();
});
afterAll(async () => {
  await child?.stop();
});

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('caches', () => {
  it('read-through: hit/miss, falls back to the source when Redis dies, breaker opens and recovers', async () => {
    const redis = createRedisClient({
      url: child.url,
      maxRetriesPerRequest: 0,
      connectTimeoutMs: 300,
      reconnectInitialMs: 50,
      reconnectMaxMs: 100,
    });
    await new Promise((r) => redis.once('ready', r));
    const cfg = resolveConfig({
      redisKeyPrefix: 'c1:',
      circuitBreakers: { redis: { failureThreshold: 5, recoveryTimeoutMs: 300, successThreshold: 2 } },
    });
    const caches = createCaches(redis, cfg);
    let loads = 0;
    const load = async (): Promise<{ user_id: string; industry: string }> => {
      loads += 1;
      return { user_id: 'u', industry: 'saas' };
    };
    expect(await caches.userContext.get('u', load)).toEqual({ user_id: 'u', industry: 'saas' });
    expect(await caches.userContext.get('u', load)).toEqual({ user_id: 'u', industry: 'saas' });
    expect(loads).toBe(1);
    expect(caches.counters().userContext).toMatchObject({ hits: 1, misses: 1 });
    await child.kill();
    for (let i = 0; i < 8; i++) expect((await caches.userContext.get('u', load))?.industry).toBe('saas');
    expect(loads).toBe(9);
    expect(caches.breaker.current).toBe('open');
    expect(caches.counters().userContext.errors).toBe(5); // then short-circuited without touching Redis
    await child.restart();
    await wait(400);
    await caches.userContext.get('u', load);
    await caches.userContext.get('u', load);
    expect(caches.breaker.current).toBe('closed');
    redis.disconnect();
  });

  it('persona selection by similarity: KEYS scan and index set agree', async () => {
    const redis = createRedisClient({
      url: child.url,
      maxRetriesPerRequest: 0,
      connectTimeoutMs: 300,
      reconnectInitialMs: 50,
      reconnectMaxMs: 100,
    });
    if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
    const g = new GuardedRedis(redis, new CircuitBreaker({ failureThreshold: 5, recoveryTimeoutMs: 1000, successThreshold: 1 }), 'p1:');
    const scan = new PersonaSelectionCache<string[]>(g, { ttlSeconds: 60, threshold: 0.9, shape: 'keys_scan' });
    const idx = new PersonaSelectionCache<string[]>(g, { ttlSeconds: 60, threshold: 0.9, shape: 'index_set' });
    await scan.set('grow revenue', [1, 0, 0], ['cfo', 'cmo']);
    await scan.set('hire engineers', [0, 1, 0], ['cto']);
    for (const c of [scan, idx]) {
      expect((await c.find([0.99, 0.05, 0]))?.selection).toEqual(['cfo', 'cmo']);
      expect(await c.find([0.5, 0.5, 0.7])).toBeUndefined();
    }
    redis.disconnect();
  });

  it('aggregation cache: TTL and LRU bound', async () => {
    let now = 0;
    const c = new AggregationCache<number>(60_000, 2, () => now);
    let loads = 0;
    const load = async (): Promise<number> => ++loads;
    await c.get('a', load);
    await c.get('a', load);
    await c.get('b', load);
    await c.get('c', load); // evicts a (least recently used)
    expect(c.size).toBe(2);
    now = 61_000;
    await c.get('b', load); // expired
    expect(loads).toBe(4);
    expect(c.counters).toMatchObject({ hits: 1, misses: 4 });
  });

  it('aggregation cache: a result loaded across an invalidation is served but not kept', async () => {
    const c = new AggregationCache<number>(60_000, 10);
    let release: (v: number) => void = () => undefined;
    const slow = c.get(
      's',
      () =>
        new Promise<number>((r) => {
          release = r;
        }),
    );
    c.invalidate(['s']); // a flush of session s lands while the query runs
    release(1);
    expect(await slow).toBe(1);
    expect(await c.get('s', async () => 2)).toBe(2);
    expect(await c.get('s', async () => 3)).toBe(2);
  });
});
