import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../test/engine-support/index.js';
import type { EngineConfigInput } from './config/index.js';
import { createEngine, type Engine } from './index.js';

/**
 * The caches bo1 had switched off (LLM responses, persona selection) and the user-context cache,
 * on the engine's own deliberation path: real PostgreSQL and Redis, the LLM mocked at the wire.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ prefix: 'engine_caches' });
});
afterAll(async () => {
  await database?.drop();
});

const PROBLEM = 'Should our bakery chain open a second production kitchen next year or outsource the overflow to a partner?';
const SMALL = { subProblems: 2, personasPerSubProblem: 3, subProblemMaxRounds: 3 };

async function engineWith(cache: EngineConfigInput['cache'] = {}): Promise<Engine> {
  return createEngine({
    config: {
      databaseUrl: database.url,
      redisUrl: TEST_REDIS_URL,
      redisKeyPrefix: `llec_${Math.random().toString(36).slice(2, 8)}:`,
      llm: { timeScale: 0.001 },
      deliberation: SMALL,
      ...(cache === undefined ? {} : { cache }),
    },
  });
}

/** Runs one session to the end; returns the completions the mock served and the roles the client called. */
async function session(engine: Engine, userId: string): Promise<{ messages: number; roles: string[] }> {
  const roles: string[] = [];
  const stop = engine.llm.client.onCall((c) => roles.push(c.role));
  const before = engine.llm.mock?.stats().messages ?? 0;
  try {
    const { id } = await engine.createSession({ userId, problem: PROBLEM });
    const outcome = await engine.startSession(id);
    expect(outcome.status).toBe('completed');
  } finally {
    stop();
  }
  return { messages: (engine.llm.mock?.stats().messages ?? 0) - before, roles };
}

const keysOf = async (engine: Engine, pattern: string): Promise<string[]> => engine.redis.keys(`${engine.config.redisKeyPrefix}${pattern}`);

describe('engine caches on the deliberation path', () => {
  it('LLM response and persona caches are off by default in both variants: no lookups, no keys', async () => {
    for (const variant of ['audited', 'optimized'] as const) {
      const engine = await createEngine({
        config: {
          variant,
          databaseUrl: database.url,
          redisUrl: TEST_REDIS_URL,
          redisKeyPrefix: `llec_off_${variant}_${Math.random().toString(36).slice(2, 8)}:`,
          llm: { timeScale: 0.001 },
          deliberation: SMALL,
        },
      });
      try {
        expect(engine.config.cache).toMatchObject({ llmResponseCacheEnabled: false, personaSelectionCacheEnabled: false });
        const first = await session(engine, `u_off_${variant}`);
        const second = await session(engine, `u_off_${variant}`);
        // Same problem twice, every completion goes to the provider both times.
        expect(second.messages).toBe(first.messages);
        expect(second.roles.filter((r) => r === 'selector')).toHaveLength(SMALL.subProblems);
        const c = engine.caches.counters();
        expect(c.llmResponses.hits + c.llmResponses.misses).toBe(0);
        expect(c.personaSelection.hits + c.personaSelection.misses).toBe(0);
        expect(await keysOf(engine, 'llm:cache:*')).toEqual([]);
        expect(await keysOf(engine, 'personas:cache:*')).toEqual([]);
      } finally {
        await engine.close();
      }
    }
  }, 120_000);

  it('LLM response cache on: a repeated identical session is answered from Redis, with no HTTP call to the mock', async () => {
    const engine = await engineWith({ llmResponseCacheEnabled: true });
    try {
      const first = await session(engine, 'u_llm');
      expect(first.messages).toBeGreaterThan(10);
      const c1 = { ...engine.caches.counters().llmResponses };
      expect(c1.misses).toBe(first.messages);
      const second = await session(engine, 'u_llm');
      // Every request of the second session is exactly one of the first: all hits, nothing on the wire.
      expect(second.messages).toBe(0);
      expect(second.roles).toEqual([]);
      const c2 = engine.caches.counters().llmResponses;
      expect(c2.hits - c1.hits).toBe(first.messages);
      expect(c2.misses).toBe(c1.misses);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('persona selection cache on: the second identical selection skips the selector call', async () => {
    const engine = await engineWith({ personaSelectionCacheEnabled: true });
    try {
      const first = await session(engine, 'u_persona');
      expect(first.roles.filter((r) => r === 'selector')).toHaveLength(SMALL.subProblems);
      expect(engine.caches.counters().personaSelection).toMatchObject({ hits: 0, misses: SMALL.subProblems });
      const second = await session(engine, 'u_persona');
      expect(second.roles.filter((r) => r === 'selector')).toHaveLength(0);
      expect(second.messages).toBe(first.messages - SMALL.subProblems);
      expect(engine.caches.counters().personaSelection).toMatchObject({ hits: SMALL.subProblems, misses: SMALL.subProblems });
      expect((await keysOf(engine, 'personas:cache:*')).length).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('context collection reads the user context through its cache; a save invalidates it', async () => {
    const engine = await engineWith();
    try {
      await engine.ensureUser('u_ctx');
      await engine.userContexts.save('u_ctx', { industry: 'food', companyName: 'Crumb & Co' });
      const loads = (): number => engine.caches.counters().userContext.misses;
      const hits = (): number => engine.caches.counters().userContext.hits;
      await session(engine, 'u_ctx');
      expect([loads(), hits()]).toEqual([1, 0]);
      await session(engine, 'u_ctx');
      expect([loads(), hits()]).toEqual([1, 1]);
      expect(await engine.userContexts.describe('u_ctx')).toContain('company name: Crumb & Co');
      await engine.userContexts.save('u_ctx', { industry: 'bakery' });
      expect(await engine.userContexts.describe('u_ctx')).toContain('industry: bakery');
      expect(loads()).toBe(2);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
