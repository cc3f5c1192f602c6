import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis as RedisHandle } from '../../test/engine-support/index.js';
import { startApiFixture, waitForEnd, type ApiFixture } from './internal/fixture.js';
import { readSse, type SseMessage } from './internal/sse-client.js';

// Real sockets, real PostgreSQL, a redis-server child of our own (one test kills it). The mock
// LLM runs the `realistic` profile 100x faster, so a session lasts a few seconds: long enough to
// disconnect in the middle of it.
let redis: RedisHandle;
let f: ApiFixture;
let base: string;

beforeAll(async () => {
  redis = await startTestRedis();
  f = await startApiFixture({
    prefix: 'api_sse',
    redisUrl: redis.url,
    mockProfile: 'realistic',
    timeScale: 0.01,
    settings: { heartbeatMs: 200 },
  });
  await f.api.app.listen({ port: 0, host: '127.0.0.1' });
  const address = f.api.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

afterAll(async () => {
  await f?.close();
  await redis?.stop();
});

async function startedSession(): Promise<string> {
  const h = { ...f.auth(f.users.a.token), 'content-type': 'application/json' };
  const created = await fetch(`${base}/api/v1/sessions`, {
    method: 'POST',
    headers: h,
    body: JSON.stringify({ problem_statement: 'Should we move our support team to a four-day week?' }),
  });
  const { id } = (await created.json()) as { id: string };
  expect((await fetch(`${base}/api/v1/sessions/${id}/start`, { method: 'POST', headers: f.auth(f.users.a.token) })).status).toBe(202);
  return id;
}

const sequences = (ms: readonly SseMessage[]): number[] => ms.filter((m) => m.id !== undefined).map((m) => Number(m.id?.split(':').at(-1)));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function history(id: string): Promise<number[]> {
  await waitForEnd(f.engine, id);
  const r = await fetch(`${base}/api/v1/sessions/${id}/events`, { headers: f.auth(f.users.a.token) });
  return ((await r.json()) as { events: { sequence: number }[] }).events.map((e) => e.sequence);
}

describe('SSE /stream', () => {
  it('follows a whole session live, in order, ending with complete and stream_closed', async () => {
    const id = await startedSession();
    const read = await readSse(`${base}/api/v1/sessions/${id}/stream`, f.auth(f.users.a.token));
    expect(read.status).toBe(200);
    const seqs = sequences(read.messages);
    expect(seqs).toEqual(range(1, seqs.length));
    expect(read.messages.at(-2)?.event).toBe('complete');
    expect(read.messages.at(-1)).toMatchObject({
      event: 'stream_closed',
      id: undefined,
      data: { reason: 'complete', last_event_id: `${id}:${seqs.length}` },
    });
    expect(read.messages.every((m) => m.id === undefined || m.id === `${id}:${String(m.data.sequence)}`)).toBe(true);
    expect(await history(id)).toEqual(seqs);
  });

  it('resumes after a disconnect with Last-Event-ID: exactly the missing events, once each', async () => {
    const id = await startedSession();
    const first = await readSse(`${base}/api/v1/sessions/${id}/stream`, f.auth(f.users.a.token), (_m, all) => sequences(all).length >= 5);
    expect(first.aborted).toBe(true);
    const got = sequences(first.messages);
    expect(got).toEqual([1, 2, 3, 4, 5]);
    const second = await readSse(`${base}/api/v1/sessions/${id}/stream`, { ...f.auth(f.users.a.token), 'last-event-id': `${id}:5` });
    const rest = sequences(second.messages);
    const all = await history(id);
    expect(rest).toEqual(all.slice(5));
    expect([...got, ...rest]).toEqual(range(1, all.length));
    // Reconnecting after the end replays nothing and closes at once.
    const after = await readSse(`${base}/api/v1/sessions/${id}/stream`, {
      ...f.auth(f.users.a.token),
      'last-event-id': `${id}:${all.length}`,
    });
    expect(sequences(after.messages)).toEqual([]);
    expect(after.messages.at(-1)?.event).toBe('stream_closed');
  });

  it('rejects a Last-Event-ID of another session or not a sequence (400)', async () => {
    const id = await startedSession();
    for (const bad of ['bo1_other:3', `${id}:x`, `${id}:-1`, 'garbage']) {
      const r = await fetch(`${base}/api/v1/sessions/${id}/stream`, { headers: { ...f.auth(f.users.a.token), 'last-event-id': bad } });
      expect(r.status, bad).toBe(400);
      await r.body?.cancel();
    }
    await waitForEnd(f.engine, id);
  });

  it('keeps streaming from PostgreSQL when Redis dies mid-session (polling fallback)', async () => {
    const id = await startedSession();
    let killed: Promise<void> | undefined;
    const read = await readSse(`${base}/api/v1/sessions/${id}/stream`, f.auth(f.users.a.token), (m, all) => {
      if (killed === undefined && sequences(all).length >= 3) killed = redis.kill();
      return false;
    });
    await killed;
    const seqs = sequences(read.messages);
    expect(read.messages.some((m) => m.event === 'sse_fallback_activated')).toBe(true);
    expect(read.messages.at(-1)?.event).toBe('stream_closed');
    const health = await fetch(`${base}/api/health`);
    expect(((await health.json()) as { status: string }).status).toBe('degraded');
    expect(seqs).toEqual(await history(id));
    await redis.restart();
  });
});
