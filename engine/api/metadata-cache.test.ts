import { describe, expect, it } from 'vitest';
import { startApiFixture } from './internal/fixture.js';

/**
 * The listing's metadata overlay goes through engine.caches.sessionMetadata, so the engine's
 * cache counters (and /metrics engine_cache_lookups) see the API's lookups: one per listed
 * session, as one GET each (audited) or one MGET per page (optimized).
 */
describe('session listing metadata overlay', () => {
  for (const variant of ['audited', 'optimized'] as const) {
    it(`${variant}: counts one engine cache lookup per listed session`, async () => {
      const f = await startApiFixture({ variant, prefix: `api_meta_${variant}` });
      try {
        for (let i = 0; i < 3; i++)
          await f.engine.repositories.sessions.create({
            userId: f.users.a.id,
            problemStatement: `Problem ${i} of user a`,
            status: 'completed',
          });
        const lookups = (): number => {
          const c = f.engine.caches.counters().sessionMetadata;
          return c.hits + c.misses;
        };
        const before = lookups();
        const r = await f.api.app.inject({ url: '/api/v1/sessions?limit=10', headers: f.auth(f.users.a.token) });
        expect(r.statusCode).toBe(200);
        expect(lookups() - before).toBe(3);
        // Audited: the misses were re-cached (terminal status), so the second listing hits.
        const hits = f.engine.caches.counters().sessionMetadata.hits;
        await f.api.app.inject({ url: '/api/v1/sessions?limit=10', headers: f.auth(f.users.a.token) });
        expect(f.engine.caches.counters().sessionMetadata.hits - hits).toBe(variant === 'audited' ? 3 : 0);
      } finally {
        await f.close();
      }
    });
  }
});
