import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../../test/engine-support/index.js';
import { createRedisClient } from '../cache/index.js';
import { resolveConfig, type Variant } from '../config/index.js';
import { createDb, SessionRepository, UserRepository, type Db } from '../db/index.js';
import { SessionManager, type SessionTask } from './index.js';

let tdb: TestDatabase;
let db: Db;
const redis = createRedisClient({ url: TEST_REDIS_URL, maxRetriesPerRequest: 1, connectTimeoutMs: 1000, reconnectInitialMs: 100, reconnectMaxMs: 500 });
const prefix = `ll_t_sm_${process.pid}_${Date.now()}:`;
const user = 'u_sm';

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: 'sessions', optimizations: 'none' });
  db = createDb({ databaseUrl: tdb.url, poolMin: 0, poolMax: 4, connectionTimeoutMs: 2000, idleTimeoutMs: 1000, statementTimeoutMs: 0 });
  await new UserRepository(db).create({ id: user, email: 's@example.test' });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db?.close();
  await tdb?.drop();
});

/** Runs until aborted. */
const forever: SessionTask = (signal) => new Promise((_, reject) => {
  if (signal.aborted) reject(signal.reason);
  signal.addEventListener('abort', () => reject(signal.reason));
});

async function manager(variant: Variant, events: { id: string; type: string }[]): Promise<{ m: SessionManager; repo: SessionRepository }> {
  const cfg = resolveConfig({ variant, sessions: { maxConcurrent: 2, gracePeriodMs: 600 } });
  const repo = new SessionRepository(db);
  const m = new SessionManager({
    config: cfg.sessions, redis, sessions: repo, redisKeyPrefix: prefix,
    events: { publish: async (id, type) => { events.push({ id, type }); } },
  });
  return { m, repo };
}

async function newSession(repo: SessionRepository, tag: string): Promise<string> {
  return (await repo.create({ id: `bo1_${tag}_${Math.random().toString(36).slice(2)}`, userId: user, problemStatement: tag })).id;
}

describe('SessionManager', () => {
  it('evicts the oldest first (FIFO) after the grace period; status consistent in Redis and PostgreSQL', async () => {
    const events: { id: string; type: string }[] = [];
    const { m, repo } = await manager('optimized', events);
    const [a, b, c, d] = [await newSession(repo, 'a'), await newSession(repo, 'b'), await newSession(repo, 'c'), await newSession(repo, 'd')];
    const ha = await m.start(a, user, forever);
    await new Promise((r) => setTimeout(r, 5));
    await m.start(b, user, forever);
    const t0 = Date.now();
    await m.start(c, user, forever);
    expect(Date.now() - t0).toBeLessThan(400); // optimized: no wait for the 600 ms grace period (generous for a loaded CI box)
    expect(events).toEqual([{ id: a, type: 'eviction_warning' }]);
    await new Promise((r) => setTimeout(r, 30));
    expect((await m.metadata(a))?.status).toBe('evicting');
    expect((await repo.get(a))?.status).toBe('evicting');
    const ra = await ha.done;
    expect(ra.status).toBe('evicted');
    expect(ra.durationMs).toBeGreaterThanOrEqual(590);
    await m.start(d, user, forever); // evicts b, the next oldest
    expect(events.at(-1)).toEqual({ id: b, type: 'eviction_warning' });
    await new Promise((r) => setTimeout(r, 900));
    expect((await repo.get(a))?.status).toBe('evicted');
    expect((await m.metadata(a))?.status).toBe('evicted');
    expect((await repo.get(b))?.status).toBe('evicted');
    expect(m.activeIds().sort()).toEqual([c, d].sort());
    expect(await m.kill(c, { killedBy: 'admin', reason: 'test' })).toBe(true);
    const row = await repo.get(c);
    expect(row?.status).toBe('killed');
    await m.close();
  });

  it('audited: the grace period is spent inside the capacity lock, so other starts wait behind it', async () => {
    const { m, repo } = await manager('audited', []);
    const ids = await Promise.all(['a', 'b', 'c', 'd'].map((t) => newSession(repo, t)));
    await m.start(ids[0]!, user, forever);
    await m.start(ids[1]!, user, forever);
    const t0 = Date.now();
    await Promise.all([
      m.start(ids[2]!, user, forever).then(() => Date.now() - t0),
      m.start(ids[3]!, user, forever).then(() => Date.now() - t0),
    ]).then((t) => {
      expect(t[0]).toBeGreaterThanOrEqual(590); // the evicting start waits the grace period
      expect(t[1]).toBeGreaterThanOrEqual(1180); // the next start waits behind it, then evicts again
    });
    await m.close();
  });

  it('optimized: concurrent starts beyond the cap do not wait', async () => {
    const { m, repo } = await manager('optimized', []);
    const ids = await Promise.all(['a', 'b', 'c', 'd'].map((t) => newSession(repo, t)));
    await m.start(ids[0]!, user, forever);
    await m.start(ids[1]!, user, forever);
    const t0 = Date.now();
    await Promise.all([m.start(ids[2]!, user, forever), m.start(ids[3]!, user, forever)]);
    expect(Date.now() - t0).toBeLessThan(400);
    await m.close();
  });

  it('records completed and failed tasks', async () => {
    const events: { id: string; type: string }[] = [];
    const { m, repo } = await manager('optimized', events);
    const ok = await newSession(repo, 'ok');
    const bad = await newSession(repo, 'bad');
    const r1 = await (await m.start(ok, user, async () => undefined)).done;
    const r2 = await (await m.start(bad, user, async () => { throw new Error('boom'); })).done;
    expect([r1.status, r2.status, r2.error]).toEqual(['completed', 'failed', 'boom']);
    expect((await repo.get(ok))?.status).toBe('completed');
    expect((await repo.get(bad))?.status).toBe('failed');
    expect(events).toEqual([{ id: bad, type: 'error' }]);
    expect(m.stats()).toMatchObject({ started: 2, completed: 1, failed: 1, active: 0 });
    await m.close();
  });
});
