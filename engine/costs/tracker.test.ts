import net from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startTestRedis, type TestDatabase } from '../../test/engine-support/index.js';
import type { TestRedis as RedisHandle } from '../../test/engine-support/index.js';
import { createRedisClient } from '../cache/index.js';
import { resolveConfig } from '../config/index.js';
import { CostRepository, createDb, SessionRepository, UserRepository, type Db } from '../db/index.js';
import { createManualClock } from '../clock/index.js';
import { CostTracker, type CostAccounting } from './index.js';

/** A TCP forwarder to PostgreSQL that can refuse connections (down) and accept them again (up). */
async function pgToggle(target: number): Promise<{ port: number; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    server = net.createServer((c) => {
      const u = net.connect(target, '127.0.0.1');
      for (const s of [c, u]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      c.pipe(u).pipe(c);
    });
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
    port = (server!.address() as net.AddressInfo).port;
  };
  const down = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (server === undefined ? r() : server.close(() => r())));
    server = undefined;
  };
  await listen();
  return { port, down, up: listen, close: down };
}

const invariant = (a: CostAccounting): void => {
  expect(a.generated).toBe(a.persisted + a.queued + a.buffered + a.evicted + a.lostInRetryQueue);
};

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await wait(20);
  }
}

let tdb: TestDatabase;
let redisChild: RedisHandle;
let proxy: Awaited<ReturnType<typeof pgToggle>>;
let db: Db;
let redis: Redis;
const user = 'u_costs';
const sessionId = 'bo1_costs_session';
const cfg = resolveConfig({ costs: { flushIntervalMs: 200, drainIntervalMs: 100_000, drainLoop: false } });

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: 'costs', optimizations: 'none' });
  redisChild = await startTestRedis();
  proxy = await pgToggle(5432);
  const url = new URL(tdb.url);
  url.port = String(proxy.port);
  db = createDb({
    databaseUrl: url.toString(),
    poolMin: 0,
    poolMax: 4,
    connectionTimeoutMs: 1000,
    idleTimeoutMs: 200,
    statementTimeoutMs: 0,
  });
  redis = createRedisClient({
    url: redisChild.url,
    maxRetriesPerRequest: 0,
    connectTimeoutMs: 500,
    reconnectInitialMs: 50,
    reconnectMaxMs: 200,
  });
  await new UserRepository(db).create({ id: user, email: 'c@example.test' });
  await new SessionRepository(db).create({ id: sessionId, userId: user, problemStatement: 'p' });
});

afterAll(async () => {
  redis?.disconnect();
  await db?.close();
  await proxy?.close();
  await redisChild?.stop();
  await tdb?.drop();
});

const call = {
  provider: 'anthropic' as const,
  operationType: 'completion',
  modelName: 'haiku',
  sessionId,
  userId: user,
  inputTokens: 100,
  outputTokens: 20,
  feature: 'meeting',
};

async function rowCount(): Promise<number> {
  const r = await db.query<{ n: number; d: number }>(
    'SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS d FROM api_costs WHERE session_id = $1',
    [sessionId],
  );
  expect(r.rows[0]!.n).toBe(r.rows[0]!.d);
  return r.rows[0]!.n;
}

describe('CostTracker', () => {
  it('flushes at 100 records and on the timer (optimized), on a fake clock', async () => {
    const clock = createManualClock();
    const t = new CostTracker({ repository: new CostRepository(db), redis, config: cfg.costs, redisKeyPrefix: 't1:', clock });
    for (let i = 0; i < 100; i++) t.track(call);
    await t.flush();
    expect(t.accounting().persisted).toBe(100);
    t.track(call);
    await clock.advance(cfg.costs.flushIntervalMs - 1);
    expect(t.accounting().buffered).toBe(1); // the interval has not elapsed: nothing flushes it yet
    await clock.advance(1); // no further record arrives: only the timer can flush it
    await waitFor(() => t.accounting().persisted === 101);
    expect(t.accounting()).toMatchObject({ generated: 101, persisted: 101, buffered: 0 });
    invariant(t.accounting());
    await t.close();
  });

  it('audited: a lone record waits for the next record (no timer), on a fake clock', async () => {
    const clock = createManualClock();
    const audited = resolveConfig({ variant: 'audited', costs: { flushIntervalMs: 100, drainLoop: false } });
    const t = new CostTracker({ repository: new CostRepository(db), redis, config: audited.costs, redisKeyPrefix: 't2:', clock });
    t.track(call);
    await clock.advance(10_000); // long past the interval, but no timer exists to notice
    expect(t.accounting().buffered).toBe(1);
    t.track(call); // interval elapsed: this record triggers the flush
    await waitFor(() => t.accounting().persisted === 2);
    await clock.advance(50);
    t.track(call); // 50 ms after that flush: under the interval, so it stays buffered
    expect(t.accounting().buffered).toBe(1);
    await clock.advance(50);
    t.track(call); // the interval has elapsed again: this record flushes both
    await waitFor(() => t.accounting().persisted === 4);
    expect(t.accounting()).toMatchObject({ generated: 4, persisted: 4, buffered: 0 });
    await t.close();
  });

  it('PostgreSQL down: records go to the Redis retry list, then persist exactly once after recovery', async () => {
    const before = await rowCount();
    const t = new CostTracker({ repository: new CostRepository(db), redis, config: cfg.costs, redisKeyPrefix: 't3:' });
    await proxy.down();
    for (let i = 0; i < 250; i++) {
      t.track(call);
      invariant(t.accounting());
    }
    await t.flush();
    invariant(t.accounting());
    expect(t.accounting()).toMatchObject({ generated: 250, queued: 250, persisted: 0, evicted: 0 });
    expect(await redis.llen('t3:cost_retry_queue')).toBe(250);
    await proxy.up();
    await t.drainRetryQueue();
    await t.drainRetryQueue(); // a second drain finds nothing: no double insert
    expect(t.accounting()).toMatchObject({ generated: 250, queued: 0, persisted: 250, buffered: 0 });
    expect((await rowCount()) - before).toBe(250);
    await t.close();
  });

  it('PostgreSQL and Redis down: buffer stops at 200, evicted counts drops, invariant holds throughout', async () => {
    const t = new CostTracker({ repository: new CostRepository(db), redis, config: cfg.costs, redisKeyPrefix: 't4:' });
    await proxy.down();
    await redisChild.kill();
    for (let i = 0; i < 500; i++) {
      t.track(call);
      invariant(t.accounting());
      if (i % 50 === 0) await wait(5);
    }
    await t.flush();
    const a = t.accounting();
    invariant(a);
    expect(a.buffered).toBe(200);
    expect(a.evicted).toBe(300);
    expect(a.persisted + a.queued).toBe(0);
    await redisChild.restart();
    await proxy.up();
    await t.flush();
    expect(t.accounting()).toMatchObject({ persisted: 200, buffered: 0, evicted: 300 });
    invariant(t.accounting());
    await t.close();
  });

  it('Redis restarted without its retry list: optimized pushes the records again from memory, audited counts them lost', async () => {
    for (const variant of ['optimized', 'audited'] as const) {
      const vcfg = resolveConfig({ variant, costs: { drainLoop: false } });
      const marks: string[][] = [];
      await waitFor(() => redis.status === 'ready'); // the previous test restarted Redis
      const t = new CostTracker({
        repository: new CostRepository(db),
        redis,
        config: vcfg.costs,
        redisKeyPrefix: `t5${variant}:`,
        onDrained: async (ids) => {
          marks.push([...ids]);
        },
      });
      await proxy.down();
      for (let i = 0; i < 100; i++) t.track(call);
      await t.flush();
      expect(t.accounting()).toMatchObject({ queued: 100, lostInRetryQueue: 0 });
      await redisChild.kill(); // no persistence: the list is gone
      await redisChild.restart();
      await waitFor(() => redis.status === 'ready');
      await t.reconcileRetryQueue();
      invariant(t.accounting());
      if (variant === 'optimized') {
        expect(t.accounting()).toMatchObject({ queued: 100, lostInRetryQueue: 0 });
        expect(await redis.llen(`t5${variant}:cost_retry_queue`)).toBe(100);
      } else {
        expect(t.accounting()).toMatchObject({ queued: 0, lostInRetryQueue: 100 });
      }
      await proxy.up();
      await t.drainRetryQueue();
      const a = t.accounting();
      invariant(a);
      expect(a).toMatchObject(
        variant === 'optimized' ? { persisted: 100, queued: 0, lostInRetryQueue: 0 } : { persisted: 0, queued: 0, lostInRetryQueue: 100 },
      );
      // has_untracked_costs is cleared only where nothing was lost.
      expect(marks).toEqual(variant === 'optimized' ? [[sessionId]] : []);
      await t.close();
    }
  });

  it('clears has_untracked_costs after the drain empties the list (bo1 cost_retry_job, §5.2)', async () => {
    const sessions = new SessionRepository(db);
    const t = new CostTracker({
      repository: new CostRepository(db),
      redis,
      config: cfg.costs,
      redisKeyPrefix: 't6:',
      onQueued: (ids) => sessions.markUntrackedCosts(ids, true),
      onDrained: (ids) => sessions.markUntrackedCosts(ids, false),
    });
    await waitFor(() => redis.status === 'ready');
    const flag = async (): Promise<boolean> =>
      (await db.query<{ f: boolean }>('SELECT has_untracked_costs AS f FROM sessions WHERE id = $1', [sessionId])).rows[0]!.f;
    await proxy.down();
    for (let i = 0; i < 10; i++) t.track(call);
    await t.flush();
    await proxy.up();
    await waitFor(flag);
    expect(await flag()).toBe(true);
    await t.drainRetryQueue();
    expect(await flag()).toBe(false);
    await t.close();
  });
});
