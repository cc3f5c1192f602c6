import { describe, expect, it } from 'vitest';
import { startApiFixture, type ApiFixture } from './internal/fixture.js';

/** Statements by name issued while `fn` runs, from the engine's query tracer. */
async function statements(f: ApiFixture, fn: () => Promise<unknown>): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  f.engine.db.setTracer((t) => {
    const k = t.name ?? t.fingerprint;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  });
  try {
    await fn();
  } finally {
    f.engine.db.setTracer(undefined);
  }
  return seen;
}

describe('GET/PUT /api/v1/context through the user-context cache', () => {
  it('the second read is a cache hit with no query; a save invalidates the entry', async () => {
    const f = await startApiFixture({ prefix: 'api_ctx' });
    try {
      const get = () => f.api.app.inject({ url: '/api/v1/context', headers: f.auth(f.users.a.token) });
      // A context row written outside the API (as seeded data is): the first read loads it.
      await f.engine.repositories.users.saveContext(f.users.a.id, { industry: 'logistics' });
      const first = await statements(f, get);
      expect(first.get('user_context.get')).toBe(1);
      const hits = f.engine.caches.counters().userContext.hits;
      let body: unknown;
      const second = await statements(f, async () => {
        body = (await get()).json();
      });
      expect(second.get('user_context.get')).toBeUndefined();
      expect(f.engine.caches.counters().userContext.hits).toBe(hits + 1);
      expect(body).toMatchObject({ user_id: f.users.a.id, context: { industry: 'logistics' } });
      const put = await f.api.app.inject({
        method: 'PUT',
        url: '/api/v1/context',
        headers: f.auth(f.users.a.token),
        payload: { industry: 'shipping' },
      });
      expect(put.statusCode).toBe(200);
      expect((await get()).json()).toMatchObject({ context: { industry: 'shipping' } });
      expect(
        (await f.api.app.inject({ method: 'PUT', url: '/api/v1/context', headers: f.auth(f.users.a.token), payload: { colour: 'red' } }))
          .statusCode,
      ).toBe(400);
      // Another user's context is neither served nor leaked.
      expect((await f.api.app.inject({ url: '/api/v1/context', headers: f.auth(f.users.b.token) })).json()).toEqual({
        user_id: f.users.b.id,
        context: null,
      });
    } finally {
      await f.close();
    }
  });

  it('cache.userContextCacheEnabled false: every read queries PostgreSQL and counts no lookup', async () => {
    const f = await startApiFixture({ prefix: 'api_ctx_off', config: { cache: { userContextCacheEnabled: false } } });
    try {
      const get = () => f.api.app.inject({ url: '/api/v1/context', headers: f.auth(f.users.a.token) });
      const seen = await statements(f, async () => {
        await get();
        await get();
      });
      expect(seen.get('user_context.get')).toBe(2);
      const c = f.engine.caches.counters().userContext;
      expect(c.hits + c.misses).toBe(0);
    } finally {
      await f.close();
    }
  });

  it('session metadata and aggregation caches off: the listing and the cost view read PostgreSQL every time', async () => {
    const f = await startApiFixture({
      variant: 'audited',
      prefix: 'api_cache_off',
      config: { cache: { sessionMetadataCacheEnabled: false }, costs: { aggregationCacheEnabled: false } },
    });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(
          (
            await f.engine.repositories.sessions.create({
              userId: f.users.a.id,
              problemStatement: `Problem ${i} of user a`,
              status: 'completed',
            })
          ).id,
        );
      const h = f.auth(f.users.a.token);
      const seen = await statements(f, async () => {
        for (let k = 0; k < 2; k++) {
          await f.api.app.inject({ url: '/api/v1/sessions?limit=10', headers: h });
          await f.api.app.inject({ url: `/api/v1/sessions/${ids[0]}/costs`, headers: h });
        }
      });
      expect(seen.get('sessions.get_metadata')).toBe(6);
      expect(seen.get('api_costs.get_session_costs')).toBe(2);
      const c = f.engine.caches.counters();
      expect(c.sessionMetadata.hits + c.sessionMetadata.misses + c.aggregation.hits + c.aggregation.misses).toBe(0);
    } finally {
      await f.close();
    }
  });
});
