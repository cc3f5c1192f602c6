import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis as RedisHandle } from '../../test/engine-support/index.js';
import { createRedisClient } from '../cache/index.js';
import { resolveConfig } from '../config/index.js';
import type { SessionEventRepository, SessionEventRow } from '../db/index.js';
import { EventSubscriber, eventKeys, type EventEnvelope } from './index.js';

/**
 * The subscriber after a Redis restart: history empty, PostgreSQL not yet holding the batch in
 * flight, newer events arriving live. A fake repository plays PostgreSQL so the moment the
 * missing batch lands is under the test's control; pub/sub is a real Redis.
 */
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const redisOpts = (url: string) => ({ url, maxRetriesPerRequest: 0, connectTimeoutMs: 300, reconnectInitialMs: 50, reconnectMaxMs: 200 });
const env = (sessionId: string, sequence: number): EventEnvelope => ({
  event_type: 'working_status',
  session_id: sessionId,
  sequence,
  timestamp: new Date().toISOString(),
  data: {},
});

function fakeEvents(): { repo: SessionEventRepository; rows: SessionEventRow[] } {
  const rows: SessionEventRow[] = [];
  const getEventsAfter = async (sessionId: string, after: number, limit: number): Promise<SessionEventRow[]> =>
    rows
      .filter((r) => r.session_id === sessionId && r.sequence > after)
      .sort((a, b) => a.sequence - b.sequence)
      .slice(0, limit);
  return { repo: { getEventsAfter } as unknown as SessionEventRepository, rows };
}
const row = (e: EventEnvelope): SessionEventRow =>
  ({
    id: e.sequence,
    session_id: e.session_id,
    event_type: e.event_type,
    sequence: e.sequence,
    data: e,
    created_at: new Date(),
  }) as unknown as SessionEventRow;

let redisChild: RedisHandle;
let redis: Redis;
beforeAll(async () => {
  redisChild = await startTestRedis();
  redis = createRedisClient(redisOpts(redisChild.url));
});
afterAll(async () => {
  redis?.disconnect();
  await redisChild?.stop();
});

describe('EventSubscriber gaps', () => {
  it('holds live events ahead of a gap until the missing ones are persisted, then delivers all in order once', async () => {
    const sessionId = 'bo1_gap';
    const cfg = resolveConfig({ events: { pollingIntervalMs: 50, redisRecheckIntervalMs: 200 } });
    const { repo, rows } = fakeEvents();
    const got: number[] = [];
    const sub = new EventSubscriber({
      redis,
      createSubscriberClient: () => createRedisClient(redisOpts(redisChild.url)),
      repository: repo,
      config: cfg.events,
    }).subscribe(sessionId, { onEvent: (e) => got.push(e.sequence) });
    const channel = eventKeys('', sessionId).channel;
    for (let i = 0; i < 50 && sub.mode !== 'redis'; i++) await wait(20);
    expect(sub.mode).toBe('redis');
    await redis.publish(channel, JSON.stringify(env(sessionId, 1)));
    // 2..4 are in no store yet (the batch in flight when Redis restarted); 5 and 6 arrive live.
    await redis.publish(channel, JSON.stringify(env(sessionId, 5)));
    await redis.publish(channel, JSON.stringify(env(sessionId, 6)));
    await wait(150);
    expect(got).toEqual([1]);
    rows.push(...[2, 3, 4].map((s) => row(env(sessionId, s))));
    for (let i = 0; i < 50 && got.length < 6; i++) await wait(20);
    await redis.publish(channel, JSON.stringify(env(sessionId, 7)));
    await wait(100);
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sub.skipped).toBe(0);
    await sub.close();
  });

  it('skips a sequence that is never persisted after gapWaitMaxMs, and counts it', async () => {
    const sessionId = 'bo1_gap_skip';
    const cfg = resolveConfig({ events: { gapWaitMaxMs: 200 } });
    const { repo } = fakeEvents();
    const got: number[] = [];
    const sub = new EventSubscriber({
      redis,
      createSubscriberClient: () => createRedisClient(redisOpts(redisChild.url)),
      repository: repo,
      config: cfg.events,
    }).subscribe(sessionId, { onEvent: (e) => got.push(e.sequence) });
    for (let i = 0; i < 50 && sub.mode !== 'redis'; i++) await wait(20);
    await redis.publish(eventKeys('', sessionId).channel, JSON.stringify(env(sessionId, 3)));
    for (let i = 0; i < 50 && got.length === 0; i++) await wait(20);
    expect(got).toEqual([3]);
    expect(sub.skipped).toBe(2);
    await sub.close();
  });
});
