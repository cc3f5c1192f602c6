import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from './internal/fixture.js';

/**
 * Engine hooks the API relies on. What a client sees of a session's costs right after it ends:
 * bo1 flushes the CostTracker at session completion (§7.2), and /costs is served through the
 * aggregation cache that every persisting flush invalidates (§2.4). And the per-call LLM hook
 * behind /metrics llm_call_duration_seconds.
 */
let f: ApiFixture;
beforeAll(async () => {
  f = await startApiFixture({ prefix: 'api_end' });
});
afterAll(async () => {
  await f?.close();
});

interface CostsBody {
  totals: { total_calls: number; total_cost: number };
}

async function costsOf(id: string): Promise<CostsBody> {
  const r = await f.api.app.inject({ url: `/api/v1/sessions/${id}/costs`, headers: f.auth(f.users.a.token) });
  expect(r.statusCode).toBe(200);
  return r.json<CostsBody>();
}

async function rowsOf(id: string): Promise<number> {
  return (await f.engine.db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_costs WHERE session_id = $1', [id])).rows[0]!.n;
}

describe('session end', () => {
  it("a completed session's costs are persisted when it ends, not flushIntervalMs later", async () => {
    const { id } = await f.engine.createSession({
      userId: f.users.a.id,
      problem: 'Should we open a second warehouse next year or lease more space in the first one?',
    });
    const outcome = await f.engine.startSession(id);
    expect(outcome.status).toBe('completed');
    const calls = (await costsOf(id)).totals.total_calls;
    expect(calls).toBeGreaterThan(0);
    await f.engine.costs.flush();
    expect(await rowsOf(id)).toBe(calls);
  });

  it("a killed session's costs are flushed too", async () => {
    const { id } = await f.engine.createSession({
      userId: f.users.a.id,
      problem: 'Which of our three product lines should we discontinue to fund the new one?',
    });
    const run = f.engine.startSession(id);
    await new Promise((r) => setTimeout(r, 30));
    f.engine.kill(id, 'test');
    expect((await run).status).toBe('killed');
    const calls = await rowsOf(id);
    await f.engine.costs.flush();
    expect(await rowsOf(id)).toBe(calls);
  });

  it('/costs is served from the aggregation cache and refreshed by the next flush of that session', async () => {
    const { id } = await f.engine.createSession({
      userId: f.users.a.id,
      problem: 'How should we price the premium tier of our subscription for schools?',
    });
    await f.engine.startSession(id);
    const first = await costsOf(id);
    const hits = f.engine.caches.aggregation.counters.hits;
    expect((await costsOf(id)).totals.total_calls).toBe(first.totals.total_calls);
    expect(f.engine.caches.aggregation.counters.hits).toBe(hits + 1);
    f.engine.costs.track({
      provider: 'anthropic',
      operationType: 'completion',
      modelName: 'haiku',
      sessionId: id,
      userId: f.users.a.id,
      inputTokens: 10,
      outputTokens: 5,
    });
    await f.engine.costs.flush();
    expect((await costsOf(id)).totals.total_calls).toBe(first.totals.total_calls + 1);
  });

  it('/metrics llm_call_duration_seconds is fed by every LLM call, by model', async () => {
    const { id } = await f.engine.createSession({
      userId: f.users.a.id,
      problem: 'Should our bakery chain add a delivery service or a second shop?',
    });
    await f.engine.startSession(id);
    const body = (await f.api.app.inject({ url: '/metrics' })).body;
    const counts = [...body.matchAll(/^llm_call_duration_seconds_count\{model="([^"]+)"\} (\d+)$/gm)].map((m) => ({
      model: m[1],
      n: Number(m[2]),
    }));
    expect(counts.length).toBeGreaterThan(0);
    const total = counts.reduce((n, c) => n + c.n, 0);
    const stats = f.engine.llm.stats();
    expect(total).toBe(stats.calls - stats.inFlight);
  });
});
