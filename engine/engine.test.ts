import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startTestRedis, type RedisHandle, type TestDatabase } from '../test/support/index.js';
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

async function engineWith(extra: { llm?: Record<string, unknown>; mockOverrides?: EngineOptions['mockOverrides'] } = {}): Promise<Engine> {
  return createEngine({
    config: {
      databaseUrl: database.url, redisUrl: redis.url, redisKeyPrefix: `t${Math.random().toString(36).slice(2, 8)}:`,
      llm: { timeScale: 0.001, ...extra.llm },
    },
    deliberation: SMALL,
    ...(extra.mockOverrides === undefined ? {} : { mockOverrides: extra.mockOverrides }),
  });
}

async function rows(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: database.url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

async function checkExactlyOnce(engine: Engine, sessionId: string): Promise<void> {
  const m = engine.metrics();
  const ev = await rows('SELECT count(*)::int AS n, count(DISTINCT sequence)::int AS d, max(sequence)::int AS mx FROM session_events WHERE session_id = $1', [sessionId]);
  expect(ev[0]).toEqual({ n: ev[0]?.['mx'], d: ev[0]?.['mx'], mx: expect.any(Number) });
  expect(m.events.emitted).toBe(m.events.persisted);
  const costs = await rows('SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS d FROM api_costs WHERE session_id = $1', [sessionId]);
  expect(costs[0]?.['n']).toBe(costs[0]?.['d']);
  expect(costs[0]?.['n']).toBe(m.costs.generated);
  expect(m.costs).toMatchObject({ persisted: m.costs.generated, queued: 0, buffered: 0, evicted: 0 });
}

describe('createEngine (real PostgreSQL + Redis, mock LLM)', () => {
  it('runs a session end to end: events and cost records persisted exactly once', async () => {
    const engine = await engineWith();
    const { id } = await engine.createSession({ userId: 'user_e2e', problem: 'Should we raise prices for our small-business plan this spring?' });
    const outcome = await engine.runSession(id);
    expect(outcome.status).toBe('completed');
    await engine.close();
    // 2 SPs x (1 + 3+3+3 experts... ) — here only the invariants matter; counts are unit-tested.
    const session = await rows('SELECT status, contribution_count FROM sessions WHERE id = $1', [id]);
    expect(session[0]?.['status']).toBe('completed');
    const contributions = await rows('SELECT count(*)::int AS n FROM contributions WHERE session_id = $1', [id]);
    expect(contributions[0]?.['n']).toBe(2 * 9);
    await checkExactlyOnce(engine, id);
    const types = await rows('SELECT event_type FROM session_events WHERE session_id = $1 ORDER BY sequence', [id]);
    expect(types.at(-1)?.['event_type']).toBe('complete');
  });

  it('retries bursts of 429/529 like the SDK, one cost row per attempt; a persistent outage fails clearly', async () => {
    const engine = await engineWith({ mockOverrides: { errorSchedule: [
      { fromCall: 3, toCall: 4, fault: { kind: 'status', status: 429 } },
      { fromCall: 10, toCall: 11, fault: { kind: 'status', status: 529 } },
    ] } });
    const { id } = await engine.createSession({ userId: 'user_retry', problem: 'Which supplier should we pick for packaging?' });
    const ok = await engine.runSession(id);
    expect(ok.status).toBe('completed');
    await engine.close();
    const after = await rows("SELECT (metadata->>'http_status')::int AS code FROM api_costs WHERE session_id = $1 AND status = 'error'", [id]);
    expect(after.map((r) => r['code']).sort()).toEqual([429, 429, 529, 529]);

    const down = await engineWith({ llm: { maxRetries: 2 }, mockOverrides: { errorRates: { rateLimited: 0, overloaded: 1, serverError: 0, hang: 0 } } });
    const s2 = await down.createSession({ userId: 'user_retry', problem: 'Which supplier should we pick for packaging?' });
    const t0 = Date.now();
    const failed = await down.runSession(s2.id);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'LL_LLM_CALL_FAILED' } });
    await down.close();
    const st = await rows('SELECT status FROM sessions WHERE id = $1', [s2.id]);
    expect(st[0]?.['status']).toBe('failed');
    const ev = await rows("SELECT data->'data'->>'code' AS code FROM session_events WHERE session_id = $1 AND event_type = 'error'", [s2.id]);
    expect(ev).toEqual([{ code: 'LL_LLM_CALL_FAILED' }]);
  });

  it('Redis SIGKILLed mid-session and restarted: the session completes, nothing lost or doubled', async () => {
    // Latency so the session spans the outage (about 2-3 s at this scale).
    const engine = await engineWith({ llm: { timeScale: 0.02, mockProfile: 'realistic' } });
    const { id } = await engine.createSession({ userId: 'user_fault', problem: 'Should we open a second warehouse before the holiday season?' });
    const done = engine.runSession(id);
    await new Promise((r) => setTimeout(r, 400));
    expect(engine.metrics().sessions.running).toBe(1);
    await redis.kill();
    await new Promise((r) => setTimeout(r, 700));
    await redis.restart();
    const outcome = await done;
    expect(outcome.status).toBe('completed');
    await engine.close();
    await checkExactlyOnce(engine, id);
    expect(engine.metrics().events.redisFailures).toBeGreaterThan(0);
  });
});
