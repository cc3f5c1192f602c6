import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertActions, startApiFixture, waitForEnd, type ApiFixture } from './internal/fixture.js';

// User B probes everything of user A's: every answer must be the one for an id that does not exist.
let f: ApiFixture;
let sessionA: string;
let actionsA: Awaited<ReturnType<typeof insertActions>>;

beforeAll(async () => {
  f = await startApiFixture({ prefix: 'api_iso' });
  const created = await f.api.app.inject({
    method: 'POST',
    url: '/api/v1/sessions',
    headers: f.auth(f.users.a.token),
    payload: { problem_statement: 'A private question of user A about pricing' },
  });
  sessionA = (JSON.parse(created.body) as { id: string }).id;
  await f.api.app.inject({ method: 'POST', url: `/api/v1/sessions/${sessionA}/start`, headers: f.auth(f.users.a.token) });
  await waitForEnd(f.engine, sessionA);
  await f.engine.costs.flush();
  actionsA = await insertActions(f.engine, f.users.a.id, 2);
});

afterAll(async () => {
  await f?.close();
});

const b = () => f.auth(f.users.b.token);

describe('isolation between users', () => {
  it("B gets exactly a missing session's 404 for A's session on every route", async () => {
    const routes = (id: string) => [
      { method: 'GET' as const, url: `/api/v1/sessions/${id}` },
      { method: 'GET' as const, url: `/api/v1/sessions/${id}/events` },
      { method: 'GET' as const, url: `/api/v1/sessions/${id}/stream` },
      { method: 'GET' as const, url: `/api/v1/sessions/${id}/costs` },
      { method: 'POST' as const, url: `/api/v1/sessions/${id}/kill` },
      { method: 'POST' as const, url: `/api/v1/sessions/${id}/start` },
    ];
    const missing = 'bo1_00000000-0000-4000-8000-000000000000';
    const owned = routes(sessionA);
    const absent = routes(missing);
    for (const [i, r] of owned.entries()) {
      const res = await f.api.app.inject({ ...r, headers: b() });
      const ref = await f.api.app.inject({ ...(absent[i] as typeof r), headers: b() });
      expect(res.statusCode, r.url).toBe(404);
      expect(res.body, r.url).toBe(ref.body);
      expect(res.body).not.toContain(sessionA);
    }
    // A still sees it, and nothing B did changed it.
    const mine = await f.api.app.inject({ url: `/api/v1/sessions/${sessionA}`, headers: f.auth(f.users.a.token) });
    expect(JSON.parse(mine.body)).toMatchObject({ id: sessionA, status: 'completed' });
  });

  it("B's listings never include A's sessions or actions, whatever the filters", async () => {
    const list = JSON.parse((await f.api.app.inject({ url: '/api/v1/sessions?limit=100', headers: b() })).body) as {
      sessions: { user_id: string }[];
    };
    expect(list.sessions.every((s) => s.user_id === f.users.b.id)).toBe(true);
    for (const qs of [
      '',
      `?session_id=${actionsA.sessionIds[0]}`,
      `?tag_ids=${actionsA.tags.t1}`,
      `?tag_ids=${actionsA.tags.t1},${actionsA.tags.t2}`,
    ]) {
      const r = JSON.parse((await f.api.app.inject({ url: `/api/v1/actions${qs}`, headers: b() })).body) as {
        actions: unknown[];
        sessions: unknown[];
      };
      expect(r, qs).toMatchObject({ actions: [], sessions: [] });
    }
    for (const id of actionsA.actionIds) {
      const r = await f.api.app.inject({ url: `/api/v1/actions/${id}`, headers: b() });
      expect(r.statusCode).toBe(404);
    }
    // A sees its own.
    const own = JSON.parse(
      (await f.api.app.inject({ url: `/api/v1/actions?tag_ids=${actionsA.tags.t1}`, headers: f.auth(f.users.a.token) })).body,
    ) as { actions: unknown[] };
    expect(own.actions).toHaveLength(4);
  });
});
