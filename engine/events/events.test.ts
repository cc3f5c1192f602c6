import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startTestRedis, type TestRedis as RedisHandle, type TestDatabase } from '../../test/engine-support/index.js';
import { createRedisClient } from '../cache/index.js';
import { resolveConfig } from '../config/index.js';
import { createDb, SessionEventRepository, SessionRepository, UserRepository, type Db } from '../db/index.js';
import { EventPublisher, EventSubscriber, type EventEnvelope, type StreamMode } from './index.js';

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Polls (I/O, not time) until `cond` holds or 5 s pass; the assertion after it says what was expected. */
const until = async (cond: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5_000;
  while (!cond() && Date.now() < deadline) await wait(20);
};
let tdb: TestDatabase;
let db: Db;
let redisChild: RedisHandle;
const user = 'u_events';
const cfg = resolveConfig({ events: { pollingIntervalMs: 50, redisRecheckIntervalMs: 200 } });
const ready = async (c: ReturnType<typeof createRedisClient>): Promise<void> => {
  if (c.status !== 'ready') await new Promise((r) => c.once('ready', r));
};
const redisOpts = (url: string) => ({ url, maxRetriesPerRequest: 0, connectTimeoutMs: 300, reconnectInitialMs: 50, reconnectMaxMs: 200 });

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: 'events', optimizations: 'none' });
  redisChild = await startTestRedis();
  db = createDb({ databaseUrl: tdb.url, poolMin: 0, poolMax: 4, connectionTimeoutMs: 2000, idleTimeoutMs: 1000, statementTimeoutMs: 0 });
  await new UserRepository(db).create({ id: user, email: 'e@example.test' });
});

afterAll(async () => {
  await db?.close();
  await redisChild?.stop();
  await tdb?.drop();
});

async function stored(sessionId: string): Promise<number[]> {
  const r = await db.query<{ sequence: number }>('SELECT sequence FROM session_events WHERE session_id = $1 ORDER BY sequence', [
    sessionId,
  ]);
  return r.rows.map((x) => x.sequence);
}

describe('EventPublisher + EventSubscriber', () => {
  it('Redis SIGKILLed mid-stream: every event persisted exactly once, the stream falls back to polling and stays in order', async () => {
    const sessionId = 'bo1_ev_kill';
    await new SessionRepository(db).create({ id: sessionId, userId: user, problemStatement: 'p' });
    const redis = createRedisClient(redisOpts(redisChild.url));
    const repo = new SessionEventRepository(db);
    await ready(redis);
    const pub = new EventPublisher({ redis, repository: repo, config: cfg.events });
    pub.registerSession(sessionId, user);
    const received: EventEnvelope[] = [];
    const modes: StreamMode[] = [];
    const subs = new EventSubscriber({
      redis,
      createSubscriberClient: () => createRedisClient(redisOpts(redisChild.url)),
      repository: repo,
      config: cfg.events,
    });
    const sub = subs.subscribe(sessionId, { onEvent: (e) => received.push(e), onMode: (m) => modes.push(m) });
    await until(() => sub.mode === 'redis');
    expect(sub.mode).toBe('redis');
    for (let i = 0; i < 60; i++) await pub.publish(sessionId, i % 10 === 0 ? 'contribution' : 'working_status', { i });
    await redisChild.kill();
    for (let i = 60; i < 120; i++) await pub.publish(sessionId, 'working_status', { i });
    await pub.publish(sessionId, 'complete', {});
    await pub.flush();
    expect(pub.counters()).toMatchObject({ emitted: 121, persisted: 121, dropped: 0, backlog: 0 });
    expect(pub.counters().redisFailures).toBeGreaterThan(0);
    expect(await stored(sessionId)).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
    const deadline = Date.now() + 3000;
    while (received.length < 121 && Date.now() < deadline) await wait(50);
    expect(received.map((e) => e.sequence)).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
    expect(modes).toContain('polling');
    await redisChild.restart();
    await until(() => sub.mode === 'redis'); // the subscriber re-checks Redis and goes back to pub/sub
    expect(sub.mode).toBe('redis');
    // The publisher's own client reconnects on its backoff: an event published before it is back
    // is stored but not streamed, and a subscriber on pub/sub only sees it with the next one (the
    // gap redis-failover reports as a finding). This test is about the subscriber's return.
    await ready(redis);
    await pub.publish(sessionId, 'working_status', { after: true });
    await until(() => received.length >= 122);
    expect(received.at(-1)?.sequence).toBe(122);
    await sub.close();
    await pub.close();
    redis.disconnect();
    expect((await new SessionRepository(db).get(sessionId))?.contribution_count).toBe(6);
  });

  it('replays from a sequence (Last-Event-ID) out of the Redis history', async () => {
    const sessionId = 'bo1_ev_replay';
    await new SessionRepository(db).create({ id: sessionId, userId: user, problemStatement: 'p' });
    const redis = createRedisClient(redisOpts(redisChild.url));
    const repo = new SessionEventRepository(db);
    await ready(redis);
    const pub = new EventPublisher({ redis, repository: repo, config: cfg.events, redisKeyPrefix: 'rp:' });
    for (let i = 0; i < 10; i++) await pub.publish(sessionId, 'round_start', { i });
    const got: number[] = [];
    const sub = new EventSubscriber({
      redis,
      createSubscriberClient: () => createRedisClient(redisOpts(redisChild.url)),
      repository: repo,
      config: cfg.events,
      redisKeyPrefix: 'rp:',
    }).subscribe(sessionId, { afterSequence: 7, onEvent: (e) => got.push(e.sequence) });
    await until(() => sub.mode === 'redis' && got.length >= 3); // subscribed, and 8-10 replayed from the history
    await pub.publish(sessionId, 'round_start', {});
    await until(() => got.length >= 4);
    expect(got).toEqual([8, 9, 10, 11]);
    await sub.close();
    await pub.close();
    redis.disconnect();
  });

  it('audited switch dropEventsOnRedisFailure loses events when Redis is down', async () => {
    const sessionId = 'bo1_ev_drop';
    await new SessionRepository(db).create({ id: sessionId, userId: user, problemStatement: 'p' });
    const dropCfg = resolveConfig({ variant: 'audited', events: { dropEventsOnRedisFailure: true } });
    const redis = createRedisClient(redisOpts('redis://127.0.0.1:1'));
    const pub = new EventPublisher({ redis, repository: new SessionEventRepository(db), config: dropCfg.events });
    for (let i = 0; i < 5; i++) await pub.publish(sessionId, 'round_start', {});
    await pub.flush();
    expect(pub.counters()).toMatchObject({ emitted: 5, dropped: 5, persisted: 0 });
    expect(await stored(sessionId)).toEqual([]);
    redis.disconnect();
  });
});
