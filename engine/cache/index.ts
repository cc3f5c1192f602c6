/** Redis client factory and Redis-backed caches with a circuit breaker (docs/audited-system.md §2.4, §3, §8). */
export { createRedisClient, isRedisReady } from './redis-client.js';
export type { RedisClientOptions } from './redis-client.js';
export { CircuitBreaker } from './circuit-breaker.js';
export type { CircuitBreakerOptions, CircuitState } from './circuit-breaker.js';
export { GuardedRedis, ReadThroughCache } from './redis-cache.js';
export type { CacheCounters } from './redis-cache.js';
export { AggregationCache } from './aggregation-cache.js';
export { LlmResponseCache, PersonaSelectionCache, cosine } from './similarity-cache.js';
export type { LlmRequestKey } from './similarity-cache.js';
export { createCaches } from './caches.js';
export type { Caches } from './caches.js';
