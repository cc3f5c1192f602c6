import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startTestRedis, type TestRedis as RedisHandle, type TestDatabase } from '../test/engine-support/index.js';
import type { EngineConfigInput } from './config/index.js';
import { createEngine, type Engine, type EngineOptions } from './index.js';

// Integration: real PostgreSQL and a redis-server child of our own; the LLM is the msw mock.
let database: TestDatabase;
let redis: RedisHandle;

beforeAll(async () => {
  database = await createTestDatabase({ prefix: 'engine' });
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.stop();
  await database?.drop();
});

const SMALL = { subProblems: 2, personasPerSubProblem: 3, subProblemMaxRounds: 4 };

async function engineWith(config: EngineConfigInput = {}, extra: Pick<EngineOptions, 'mockOverrides'> = {}): Promise<Engine> {
  return createEngine({
    config: {
      databaseUrl: database.url,
      redisUrl: redis.url,
      redisKeyPrefix: `t${Math.random().toString(36).slice(2, 8)}:`,
      ...config,
      llm: { timeScale: 0.001, ...config.llm },
      deliberation: { ...SMALL, ...config.deliberation },
    },
    ...extra,
  });
}

async function rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: database.url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** After close(): every event of the session once (sequences 1..n), every cost record once, accounting closed. */
async function checkExactlyOnce(engine: Engine, sessionId: string): Promise<void> {
  const m = engine.metrics();
  const ev = await rows(
    'SELECT count(*)::int AS n, count(DISTINCT sequence)::int AS d, max(sequence)::int AS mx FROM session_events WHERE session_id = $1',
    [sessionId],
  );
  expect(ev[0]).toEqual({ n: ev[0]?.['mx'], d: ev[0]?.['mx'], mx: expect.any(Number) });
  expect(m.events.emitted).toBe(m.events.persisted);
  const costs = await rows('SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS d FROM api_costs WHERE session_id = $1', [
    sessionId,
  ]);
  expect(costs[0]?.['n']).toBe(costs[0]?.['d']);
  expect(costs[0]?.['n']).toBe(m.costs.generated);
  expect(m.costs).toMatchObject({ persisted: m.costs.generated, queued: 0, buffered: 0, evicted: 0 });
}

/**
 * A TCP forwarder to PostgreSQL that can be cut: down() resets every open connection and every
 * new one, as an unreachable server would (the engine must not import harness/faults).
 */
async function pgForwarder(): Promise<{ url: string; down(): void; up(): void; close(): Promise<void> }> {
  const target = new URL(database.url);
  const sockets = new Set<net.Socket>();
  let isDown = false;
  const server = net.createServer((client) => {
    if (isDown) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(database.url);
  url.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    url: url.toString(),
    down() {
      isDown = true;
      for (const s of sockets) s.destroy();
    },
    up() {
      isDown = false;
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('createEngine (real PostgreSQL + Redis, mock LLM)', () => {
  it('runs a session end to end: events and cost records persisted exactly once', async () => {
    const engine = await engineWith();
    const { id } = await engine.createSession({
      userId: 'user_e2e',
      problem: 'Should we raise prices for our small-business plan this spring?',
    });
    const outcome = await engine.startSession(id);
    expect(outcome.status).toBe('completed');
    expect(engine.metrics().sessions).toMatchObject({ started: 1, completed: 1, active: 0, evicted: 0 });
    expect(engine.llm.stats().inFlightPeak).toBeGreaterThan(1); // persona calls of a round run in parallel
    await engine.close();
    const session = await rows('SELECT status, contribution_count FROM sessions WHERE id = $1', [id]);
    expect(session[0]?.['status']).toBe('completed');
    const contributions = await rows('SELECT count(*)::int AS n FROM contributions WHERE session_id = $1', [id]);
    expect(contributions[0]?.['n']).toBe(2 * 9);
    await checkExactlyOnce(engine, id);
    const types = await rows('SELECT event_type FROM session_events WHERE session_id = $1 ORDER BY sequence', [id]);
    expect(types.at(-1)?.['event_type']).toBe('complete');
  });

  it('cap + FIFO eviction with a grace period: evicted and killed sessions stop their LLM calls', async () => {
    // Realistic latencies at 1/50: a session lasts seconds, long enough to be evicted mid-run.
    const engine = await engineWith({
      sessions: { maxConcurrent: 2, gracePeriodMs: 50 },
      llm: { timeScale: 0.02, mockProfile: 'realistic' },
    });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await engine.createSession({ userId: 'user_cap', problem: `Should we open office number ${i} next year?` })).id);
    const [a, b, c, d] = ids as [string, string, string, string];
    const runs = new Map<string, ReturnType<Engine['startSession']>>();
    for (const [k, id] of [a, b, c].entries()) {
      runs.set(id, engine.startSession(id));
      // FIFO is by the time the manager started the session, and startSession does async work
      // (checkpointer, lease) before that: wait until this one has started before the next.
      for (const deadline = Date.now() + 10_000; engine.metrics().sessions.started < k + 1 && Date.now() < deadline;) await sleep(5);
      await sleep(30); // distinct start times, so FIFO is well defined
    }
    const ra = await runs.get(a);
    expect(ra).toMatchObject({ status: 'evicted', error: { code: 'LL_DELIBERATION_ABORTED' } });
    expect((await rows('SELECT status FROM sessions WHERE id = $1', [a]))[0]?.['status']).toBe('evicted');
    runs.set(d, engine.startSession(d));
    expect((await runs.get(b))?.status).toBe('evicted');
    expect(engine.sessions.evictionLog().map((e) => e.sessionId)).toEqual([a, b]);

    // An evicted session makes no further LLM calls: its cost-record count stays put.
    await engine.costs.flush();
    const countOf = async (id: string) => (await rows('SELECT count(*)::int AS n FROM api_costs WHERE session_id = $1', [id]))[0]?.['n'];
    const before = await countOf(a);
    await sleep(300);
    await engine.costs.flush();
    expect(await countOf(a)).toBe(before);

    expect(engine.kill(c, 'test kill')).toBe(true);
    expect(await runs.get(c)).toMatchObject({ status: 'killed', error: { message: 'test kill' } });
    expect((await rows('SELECT status, kill_reason FROM sessions WHERE id = $1', [c]))[0]).toEqual({
      status: 'killed',
      kill_reason: 'test kill',
    });
    expect((await runs.get(d))?.status).toBe('completed');
    expect(engine.metrics().sessions).toMatchObject({ started: 4, evicted: 2, killed: 1, completed: 1, active: 0 });
    await engine.close();
    const warnings = await rows(
      "SELECT session_id FROM session_events WHERE event_type = 'eviction_warning' AND session_id = ANY($1) ORDER BY id",
      [ids],
    );
    expect(warnings.map((w) => w['session_id'])).toEqual([a, b]);
    for (const id of ids) {
      const ev = await rows('SELECT count(*)::int AS n, count(DISTINCT sequence)::int AS d FROM session_events WHERE session_id = $1', [
        id,
      ]);
      expect(ev[0]?.['n']).toBe(ev[0]?.['d']);
    }
    expect(engine.metrics().events.emitted).toBe(engine.metrics().events.persisted);
  });

  it('a kill right after start (before the task exists) still kills; close() ends running sessions as killed', async () => {
    const engine = await engineWith({ llm: { timeScale: 0.02, mockProfile: 'realistic' } });
    const a = await engine.createSession({ userId: 'user_kill', problem: 'Should we rename the product?' });
    const b = await engine.createSession({ userId: 'user_kill', problem: 'Should we move to weekly releases?' });
    const ra = engine.startSession(a.id);
    expect(engine.kill(a.id, 'changed my mind')).toBe(true); // same tick: the row lookup has not even returned
    expect(await ra).toMatchObject({ status: 'killed', error: { message: 'changed my mind' } });
    const rb = engine.startSession(b.id);
    await sleep(200);
    await engine.close();
    expect((await rb).status).toBe('killed');
    const st = await rows('SELECT id, status, killed_by FROM sessions WHERE id = ANY($1) ORDER BY id', [[a.id, b.id]]);
    expect(Object.fromEntries(st.map((r) => [r['id'], [r['status'], r['killed_by']]]))).toEqual({
      [a.id]: ['killed', 'user'],
      [b.id]: ['killed', 'system'],
    });
    await checkExactlyOnce(engine, b.id);
  });

  it('retries bursts of 429/529 like the SDK, one cost row per attempt; a persistent outage fails clearly', async () => {
    const engine = await engineWith(
      {},
      {
        mockOverrides: {
          errorSchedule: [
            { fromCall: 3, toCall: 4, fault: { kind: 'status', status: 429 } },
            { fromCall: 10, toCall: 11, fault: { kind: 'status', status: 529 } },
          ],
        },
      },
    );
    const { id } = await engine.createSession({ userId: 'user_retry', problem: 'Which supplier should we pick for packaging?' });
    const ok = await engine.startSession(id);
    expect(ok.status).toBe('completed');
    await engine.close();
    const after = await rows("SELECT (metadata->>'http_status')::int AS code FROM api_costs WHERE session_id = $1 AND status = 'error'", [
      id,
    ]);
    expect(after.map((r) => r['code']).sort()).toEqual([429, 429, 529, 529]);

    // Injected at runtime (the harness's llm-errors fault): every call overloaded.
    const down = await engineWith({ llm: { maxRetries: 2 } });
    down.llm.setErrorInjection({ errorRates: { rateLimited: 0, overloaded: 1, serverError: 0, hang: 0 } });
    const s2 = await down.createSession({ userId: 'user_retry', problem: 'Which supplier should we pick for packaging?' });
    const t0 = Date.now();
    const failed = await down.startSession(s2.id);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'LL_LLM_CALL_FAILED' } });
    await down.close();
    const st = await rows('SELECT status FROM sessions WHERE id = $1', [s2.id]);
    expect(st[0]?.['status']).toBe('failed');
    const ev = await rows("SELECT data->'data'->>'code' AS code FROM session_events WHERE session_id = $1 AND event_type = 'error'", [
      s2.id,
    ]);
    expect(ev).toEqual([{ code: 'LL_LLM_CALL_FAILED' }]);
    await checkExactlyOnce(down, s2.id);
  });

  it('Redis SIGKILLed mid-session and restarted: the session completes, nothing lost or doubled, caches fall back', async () => {
    // Latency so the session spans the outage (about 2-3 s at this scale).
    const engine = await engineWith({ llm: { timeScale: 0.02, mockProfile: 'realistic' } });
    const { id } = await engine.createSession({
      userId: 'user_fault',
      problem: 'Should we open a second warehouse before the holiday season?',
    });
    const done = engine.startSession(id);
    await sleep(400);
    expect(engine.metrics().sessions.active).toBe(1);
    await redis.kill();
    await sleep(300);
    expect(await engine.caches.sessionMetadata.get(id, async () => ({ source: 'postgres' }))).toEqual({ source: 'postgres' });
    // Keep Redis down until the session has tried to publish into it at least once (token-rate
    // latencies make the gap between events uneven), then bring it back.
    for (const deadline = Date.now() + 15_000; engine.metrics().events.redisFailures === 0 && Date.now() < deadline;) await sleep(50);
    await redis.restart();
    const outcome = await done;
    expect(outcome.status).toBe('completed');
    await engine.close();
    await checkExactlyOnce(engine, id);
    expect(engine.metrics().events.redisFailures).toBeGreaterThan(0);
    const cache = engine.metrics().caches.sessionMetadata;
    expect(cache.errors + cache.fallbacks).toBeGreaterThan(0);
  });

  it('PostgreSQL unreachable: cost records go to the Redis retry list and are all persisted after recovery', async () => {
    const fwd = await pgForwarder();
    const engine = await engineWith({ databaseUrl: fwd.url, db: { connectionTimeoutMs: 1_000 } });
    try {
      const { id } = await engine.createSession({ userId: 'user_pg', problem: 'Should we move the nightly batch to the cloud?' });
      fwd.down();
      const calls = 30;
      await Promise.all(
        Array.from({ length: calls }, (_, i) =>
          engine.llm.client.complete({
            role: 'persona',
            system: 'You are an adviser.',
            user: `question ${i}`,
            maxTokens: 300,
            context: { sessionId: id, userId: 'user_pg' },
          }),
        ),
      );
      await engine.costs.flush();
      expect(engine.costs.accounting()).toMatchObject({ generated: calls, persisted: 0, queued: calls, evicted: 0 });
      expect(await engine.redis.llen(`${engine.config.redisKeyPrefix}${engine.config.costs.retryQueueKey}`)).toBe(calls);
      await sleep(2_000);
      fwd.up();
      expect(await engine.costs.drainRetryQueue()).toBe(calls);
      expect(engine.costs.accounting()).toMatchObject({ generated: calls, persisted: calls, queued: 0, buffered: 0, evicted: 0 });
      const stored = await rows(
        "SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS d, bool_and(status = 'retry') AS retried FROM api_costs WHERE session_id = $1",
        [id],
      );
      expect(stored[0]).toEqual({ n: calls, d: calls, retried: true });
    } finally {
      fwd.up();
      await engine.close();
      await fwd.close();
    }
  });
});
