import type { Redis } from 'ioredis';
import type { EngineConfig } from '../config/index.js';
import type { SessionCosts, UserContextRow } from '../db/index.js';
import { AggregationCache } from './aggregation-cache.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { GuardedRedis, ReadThroughCache, type CacheCounters } from './redis-cache.js';
import { LlmResponseCache, PersonaSelectionCache } from './similarity-cache.js';

/** Every cache of the engine over one Redis client and one redis circuit breaker (§8.4: 5 failures / 15 s). */
export interface Caches {
  /** `metadata:{id}`, 7 d (§8.1). */
  sessionMetadata: ReadThroughCache<Record<string, unknown>>;
  /** `user_context:{uid}`, 300 s, invalidate on save (§3 UserContextCache). */
  userContext: ReadThroughCache<UserContextRow>;
  /** get_session_costs results, in-process 60 s / 500 entries (§2.4). */
  aggregation: AggregationCache<SessionCosts>;
  /** `llm:cache:{hash}`, 24 h, exact match; read by the engine's LLM path only when cache.llmResponseCacheEnabled. */
  llmResponses: LlmResponseCache;
  /** Persona selections keyed by goal embedding (T is the caller's selection type); only when cache.personaSelectionCacheEnabled. */
  personaSelection: PersonaSelectionCache<unknown>;
  breaker: CircuitBreaker;
  /** Counters of each cache (Redis-backed ones share the breaker but count separately). */
  counters(): Record<'sessionMetadata' | 'userContext' | 'aggregation' | 'llmResponses' | 'personaSelection', CacheCounters>;
}

export function createCaches(
  redis: Redis,
  config: Pick<EngineConfig, 'cache' | 'costs' | 'sessions' | 'circuitBreakers' | 'redisKeyPrefix'>,
): Caches {
  const breaker = new CircuitBreaker(config.circuitBreakers.redis);
  const g = (): GuardedRedis => new GuardedRedis(redis, breaker, config.redisKeyPrefix);
  const c = config.cache;
  const caches = {
    sessionMetadata: new ReadThroughCache<Record<string, unknown>>(
      g(),
      (id) => `metadata:${id}`,
      config.sessions.metadataTtlSeconds,
      c.sessionMetadataCacheEnabled,
    ),
    userContext: new ReadThroughCache<UserContextRow>(
      g(),
      (id) => `user_context:${id}`,
      c.userContextTtlSeconds,
      c.userContextCacheEnabled,
    ),
    aggregation: new AggregationCache<SessionCosts>(
      config.costs.aggregationCacheTtlMs,
      config.costs.aggregationCacheMaxEntries,
      Date.now,
      config.costs.aggregationCacheEnabled,
    ),
    // Built either way; the engine's LLM path consults them only when cache.llmResponseCacheEnabled
    // / cache.personaSelectionCacheEnabled is on (engine/internal/ports.ts).
    llmResponses: new LlmResponseCache(g(), { ttlSeconds: c.llmCacheTtlSeconds }),
    personaSelection: new PersonaSelectionCache<unknown>(g(), {
      ttlSeconds: c.personaCacheTtlSeconds,
      threshold: c.personaSimilarityThreshold,
      shape: c.personaLookupShape,
    }),
    breaker,
  };
  return {
    ...caches,
    counters: () => ({
      sessionMetadata: caches.sessionMetadata.counters,
      userContext: caches.userContext.counters,
      aggregation: caches.aggregation.counters,
      llmResponses: caches.llmResponses.counters,
      personaSelection: caches.personaSelection.counters,
    }),
  };
}
