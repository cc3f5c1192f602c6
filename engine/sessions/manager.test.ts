import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../../test/engine-support/index.js';
import { createRedisClient } from '../cache/index.js';
import { resolveConfig, type Variant } from '../config/index.js';
import { createDb, SessionRepository, UserRepository, type Db } from '../db/index.js';
import { createManualClock, type ManualClock } from '../clock/index.js';
import { SessionManager, type SessionTask } from './index.js';

let tdb: TestDatabase;
let db: Db;
const redis = createRedisClient({
  url: TEST_REDIS_URL,
  maxRetriesPerRequest: 1,
  connectTimeoutMs: 1000,
  reconnectInitialMs: 100,
  reconnectMaxMs: 500,
});
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
const forever: SessionTask = (signal) =>
  new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason));
  });

async function manager(
  variant: Variant,
  events: { id: string; type: string }[],
): Promise<{ m: SessionManager; repo: SessionRepository; clock: ManualClock }> {
  const cfg = resolveConfig({ variant, sessions: { maxConcurrent: 2, gracePeriodMs: 600 } });
  const repo = new SessionRepository(db);
  const clock = createManualClock();
  const m = new SessionManager({
    config: cfg.sessions,
    redis,
    sessions: repo,
    redisKeyPrefix: prefix,
    clock,
    events: {
      publish: async (id, type) => {
        events.push({ id, type });
      },
    },
  });
  return { m, repo, clock };
}

/** Waits (on real I/O, not on time) until `cond` holds. */
async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1_000 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 5));
  expect(await cond()).toBe(true);
}

/** Tracks whether a promise has settled, without awaiting it. */
function settled<T>(p: Promise<T>): { done: () => boolean } {
  let done = false;
  void p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  return { done: () => done };
}

async function newSession(repo: SessionRepository, tag: string): Promise<string> {
  return (await repo.create({ id: `bo1_${tag}_${Math.random().toString(36).slice(2)}`, userId: user, problemStatement: tag })).id;
}

describe('SessionManager (manual clock: the grace period passes only when the test says so)', () => {
  it('evicts the oldest first (FIFO) after the grace period; status consistent in Redis and PostgreSQL', async () => {
    const events: { id: string; type: string }[] = [];
    const { m, repo, clock } = await manager('optimized', events);
    const [a, b, c, d] = [
      await newSession(repo, 'a'),
      await newSession(repo, 'b'),
      await newSession(repo, 'c'),
      await newSession(repo, 'd'),
    ];
    const ha = await m.start(a, user, forever);
    await clock.advance(5);
    await m.start(b, user, forever);
    // optimized: the start over the cap returns without any time passing (the eviction waits apart)
    const t0 = clock.now();
    await m.start(c, user, forever);
    expect(clock.now()).toBe(t0);
    expect(events).toEqual([{ id: a, type: 'eviction_warning' }]);
    await until(() => clock.sleepers() === 1); // a's grace period has begun
    expect((await m.metadata(a))?.status).toBe('evicting');
    expect((await repo.get(a))?.status).toBe('evicting');
    const aDone = settled(ha.done);
    await clock.advance(599);
    expect(aDone.done()).toBe(false); // 1 ms short of the grace period: still running
    await clock.advance(1);
    const ra = await ha.done;
    expect(ra.status).toBe('evicted');
    expect(ra.durationMs).toBe(605); // started at 0, evicted when the 600 ms grace period that began at 5 ended
    await m.start(d, user, forever); // evicts b, the next oldest
    expect(events.at(-1)).toEqual({ id: b, type: 'eviction_warning' });
    await until(() => clock.sleepers() === 1);
    await clock.advance(600);
    await until(async () => (await repo.get(b))?.status === 'evicted');
    expect((await repo.get(a))?.status).toBe('evicted');
    expect((await m.metadata(a))?.status).toBe('evicted');
    expect(m.activeIds().sort()).toEqual([c, d].sort());
    expect(m.evictionLog().map((e) => e.sessionId)).toEqual([a, b]);
    expect(await m.kill(c, { killedBy: 'admin', reason: 'test' })).toBe(true);
    const row = await repo.get(c);
    expect(row?.status).toBe('killed');
    await m.close();
  });

  it('audited: the grace period is spent inside the capacity lock, so other starts wait behind it', async () => {
    const { m, repo, clock } = await manager('audited', []);
    const ids = await Promise.all(['a', 'b', 'c', 'd'].map((t) => newSession(repo, t)));
    await m.start(ids[0]!, user, forever);
    await clock.advance(1);
    await m.start(ids[1]!, user, forever);
    const third = settled(m.start(ids[2]!, user, forever));
    const fourth = settled(m.start(ids[3]!, user, forever));
    await until(() => clock.sleepers() === 1);
    await clock.advance(599);
    expect([third.done(), fourth.done()]).toEqual([false, false]); // the evicting start waits the grace period
    await clock.advance(1);
    await until(() => third.done());
    expect(fourth.done()).toBe(false); // the next start waited behind it in the lock, and now evicts again
    await until(() => clock.sleepers() === 1);
    await clock.advance(600);
    await until(() => fourth.done());
    expect(m.evictionLog().map((e) => e.sessionId)).toEqual([ids[0], ids[1]]);
    await m.close();
  });

  it('optimized: concurrent starts beyond the cap do not wait', async () => {
    const { m, repo, clock } = await manager('optimized', []);
    const ids = await Promise.all(['a', 'b', 'c', 'd'].map((t) => newSession(repo, t)));
    await m.start(ids[0]!, user, forever);
    await clock.advance(1);
    await m.start(ids[1]!, user, forever);
    // Both return with the clock standing still: neither waited for a grace period.
    await Promise.all([m.start(ids[2]!, user, forever), m.start(ids[3]!, user, forever)]);
    await until(() => clock.sleepers() === 2); // both evictions are in their grace period
    await clock.advance(600);
    await m.close();
  });

  it('records completed and failed tasks', async () => {
    const events: { id: string; type: string }[] = [];
    const { m, repo } = await manager('optimized', events);
    const ok = await newSession(repo, 'ok');
    const bad = await newSession(repo, 'bad');
    const r1 = await (await m.start(ok, user, async () => undefined)).done;
    const r2 = await (
      await m.start(bad, user, async () => {
        throw new Error('boom');
      })
    ).done;
    expect([r1.status, r2.status, r2.error]).toEqual(['completed', 'failed', 'boom']);
    expect((await repo.get(ok))?.status).toBe('completed');
    expect((await repo.get(bad))?.status).toBe('failed');
    expect(events).toEqual([{ id: bad, type: 'error' }]);
    expect(m.stats()).toMatchObject({ started: 2, completed: 1, failed: 1, active: 0 });
    await m.close();
  });
});
