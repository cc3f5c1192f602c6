import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestRedis, type TestRedis as RedisHandle } from '../../test/engine-support/index.js';
import { createRedisClient } from '../cache/index.js';
import { createManualClock, type ManualClock } from '../clock/index.js';
import { resolveConfig } from '../config/index.js';
import type { SessionEventRepository, SessionEventRow } from '../db/index.js';
import { EventSubscriber, eventKeys, type EventEnvelope, type EventSubscriberOptions } from './index.js';

/**
 * The subscriber after a Redis restart: history empty, PostgreSQL not yet holding the batch in
 * flight, newer events arriving live; and the subscriber while Redis is down (polling). A fake
 * repository plays PostgreSQL so the moment the missing batch lands is under the test's control;
 * pub/sub is a real Redis. Time is a manual clock: gap re-fetches, polls and Redis re-checks
 * happen at exact times, and the test waits only for Redis to answer.
 */
const redisOpts = (url: string) => ({ url, maxRetriesPerRequest: 0, connectTimeoutMs: 300, reconnectInitialMs: 50, reconnectMaxMs: 200 });
const env = (sessionId: string, sequence: number): EventEnvelope => ({
  event_type: 'working_status',
  session_id: sessionId,
  sequence,
  timestamp: new Date().toISOString(),
  data: {},
});

/** PostgreSQL's session_events as the subscriber reads it; `readAt` records the clock time of each read. */
function fakeEvents(clock: ManualClock): { repo: SessionEventRepository; rows: SessionEventRow[]; readAt: number[] } {
  const rows: SessionEventRow[] = [];
  const readAt: number[] = [];
  const getEventsAfter = async (sessionId: string, after: number, limit: number): Promise<SessionEventRow[]> => {
    readAt.push(clock.now());
    return rows
      .filter((r) => r.session_id === sessionId && r.sequence > after)
      .sort((a, b) => a.sequence - b.sequence)
      .slice(0, limit);
  };
  return { repo: { getEventsAfter } as unknown as SessionEventRepository, rows, readAt };
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

/** Waits on real I/O (Redis answering), never on the manual clock. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

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

function subscriber(o: Omit<EventSubscriberOptions, 'redis' | 'createSubscriberClient'>): EventSubscriber {
  return new EventSubscriber({ redis, createSubscriberClient: () => createRedisClient(redisOpts(redisChild.url)), ...o });
}

describe('EventSubscriber gaps (manual clock)', () => {
  it('holds live events ahead of a gap, re-fetching it at 0, 50, 150 ms, until the missing ones are persisted, then delivers all in order once', async () => {
    const sessionId = 'bo1_gap';
    const clock = createManualClock();
    const { repo, rows, readAt } = fakeEvents(clock);
    const got: number[] = [];
    const sub = subscriber({ repository: repo, config: resolveConfig().events, clock }).subscribe(sessionId, {
      onEvent: (e) => got.push(e.sequence),
    });
    const channel = eventKeys('', sessionId).channel;
    await until(() => sub.mode === 'redis');
    readAt.length = 0; // the replay on subscribing read PostgreSQL once; count the gap fills only
    await redis.publish(channel, JSON.stringify(env(sessionId, 1)));
    await until(() => got.length === 1);
    // 2..4 are in no store yet (the batch in flight when Redis restarted); 5 and 6 arrive live.
    await redis.publish(channel, JSON.stringify(env(sessionId, 5)));
    await redis.publish(channel, JSON.stringify(env(sessionId, 6)));
    await until(() => clock.timers() === 1); // 5 is held and its gap fill armed
    await clock.advance(0);
    await until(() => clock.timers() === 1); // the fill found nothing (history and PostgreSQL) and re-armed
    await clock.advance(49);
    expect(readAt).toEqual([0]);
    await clock.advance(1);
    await until(() => clock.timers() === 1);
    expect(readAt).toEqual([0, 50]);
    expect(got).toEqual([1]);
    rows.push(...[2, 3, 4].map((s) => row(env(sessionId, s))));
    await clock.advance(99);
    expect(got).toEqual([1]); // persisted now, but the next fill is due at 150 ms
    await clock.advance(1);
    await until(() => got.length === 6);
    expect(readAt).toEqual([0, 50, 150]);
    expect(clock.timers()).toBe(0);
    await redis.publish(channel, JSON.stringify(env(sessionId, 7)));
    await until(() => got.length === 7);
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sub.skipped).toBe(0);
    await sub.close();
  });

  it('skips a sequence never persisted at the first re-fetch at or after gapWaitMaxMs, and counts it', async () => {
    const sessionId = 'bo1_gap_skip';
    const clock = createManualClock();
    const { repo, readAt } = fakeEvents(clock);
    const got: number[] = [];
    const sub = subscriber({ repository: repo, config: resolveConfig({ events: { gapWaitMaxMs: 200 } }).events, clock }).subscribe(
      sessionId,
      { onEvent: (e) => got.push(e.sequence) },
    );
    await until(() => sub.mode === 'redis');
    readAt.length = 0;
    await redis.publish(eventKeys('', sessionId).channel, JSON.stringify(env(sessionId, 3)));
    await until(() => clock.timers() === 1);
    // Step to each fill and let its Redis read finish before moving on (it re-arms from the time it ends).
    for (const ms of [0, 50, 100]) {
      await clock.advance(ms);
      await until(() => clock.timers() === 1);
    }
    expect(readAt).toEqual([0, 50, 150]); // 150 ms into the gap: still waiting
    await clock.advance(199);
    expect([got, sub.skipped]).toEqual([[], 0]);
    await clock.advance(1);
    await until(() => got.length === 1);
    expect(readAt).toEqual([0, 50, 150, 350]);
    expect(got).toEqual([3]);
    expect(sub.skipped).toBe(2);
    await sub.close();
  });
});

describe('EventSubscriber while Redis is down (manual clock)', () => {
  it('polls PostgreSQL every pollingIntervalMs and re-tries Redis every redisRecheckIntervalMs, then returns to pub/sub', async () => {
    const sessionId = 'bo1_poll';
    const clock = createManualClock();
    const { repo, rows, readAt } = fakeEvents(clock);
    rows.push(...[1, 2, 3].map((s) => row(env(sessionId, s))));
    const cfg = resolveConfig({ events: { pollingIntervalMs: 50, redisRecheckIntervalMs: 200 } });
    // Nothing listens on port 1: the pub/sub connection fails until the test points it at the real Redis.
    let url = 'redis://127.0.0.1:1';
    const tries: { at: number; disconnected: () => boolean }[] = [];
    const got: number[] = [];
    const sub = new EventSubscriber({
      redis,
      createSubscriberClient: () => {
        const client = createRedisClient(redisOpts(url));
        const disconnect = vi.spyOn(client, 'disconnect');
        tries.push({ at: clock.now(), disconnected: () => disconnect.mock.calls.length > 0 });
        return client;
      },
      repository: repo,
      config: cfg.events,
      clock,
    }).subscribe(sessionId, { onEvent: (e) => got.push(e.sequence) });
    await until(() => clock.timers() === 1); // the connection failed: the first poll is armed, due at once
    expect(sub.mode).toBe('polling');
    await clock.advance(0);
    expect(got).toEqual([1, 2, 3]);
    rows.push(row(env(sessionId, 4)));
    await clock.advance(49);
    expect(readAt).toEqual([0]);
    await clock.advance(1);
    expect(readAt).toEqual([0, 50]);
    expect(got).toEqual([1, 2, 3, 4]);
    await clock.advance(149);
    expect(tries.map((t) => t.at)).toEqual([0]); // no re-check before 200 ms
    await clock.advance(1);
    expect(readAt).toEqual([0, 50, 100, 150, 200]);
    expect(tries.map((t) => t.at)).toEqual([0, 200]);
    await until(() => tries[1]?.disconnected() === true); // that re-check failed too (the subscription dropped its client)
    expect(sub.mode).toBe('polling');
    url = redisChild.url;
    await clock.advance(199);
    expect(tries.map((t) => t.at)).toEqual([0, 200]); // the next re-check is a full interval after the last
    await clock.advance(1);
    expect(tries.map((t) => t.at)).toEqual([0, 200, 400]);
    await until(() => sub.mode === 'redis');
    expect(clock.timers()).toBe(0); // on pub/sub again: no poll armed
    const polls = readAt.length;
    await clock.advance(1_000);
    expect(readAt.length).toBe(polls);
    await redis.publish(eventKeys('', sessionId).channel, JSON.stringify(env(sessionId, 5)));
    await until(() => got.length === 5);
    expect(got).toEqual([1, 2, 3, 4, 5]);
    await sub.close();
  });
});
