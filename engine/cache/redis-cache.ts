import type { Redis } from 'ioredis';
import type { CircuitBreaker } from './circuit-breaker.js';

/** Hit/miss/error counters every cache reports. */
export interface CacheCounters {
  hits: number;
  misses: number;
  /** Redis errors (each counted by the breaker). */
  errors: number;
  /** Lookups served from the source because Redis failed or the breaker was open. */
  fallbacks: number;
}

/**
 * The Redis access shared by the caches: every command goes through the breaker; a failure or
 * an open breaker yields `undefined` so the caller falls back to its source (§8.3), never throws.
 */
export class GuardedRedis {
  readonly counters: CacheCounters = { hits: 0, misses: 0, errors: 0, fallbacks: 0 };

  constructor(readonly redis: Redis, readonly breaker: CircuitBreaker, readonly prefix: string) {}

  async run<T>(fn: (r: Redis) => Promise<T>): Promise<T | undefined> {
    if (!this.breaker.allow()) {
      this.counters.fallbacks += 1;
      return undefined;
    }
    try {
      const v = await fn(this.redis);
      this.breaker.success();
      return v;
    } catch {
      this.counters.errors += 1;
      this.counters.fallbacks += 1;
      this.breaker.failure();
      return undefined;
    }
  }
}

/**
 * Read-through JSON cache: GET key → hit; else load from the source, SET with TTL (best effort).
 * When Redis is down the source answers every call.
 */
export class ReadThroughCache<T> {
  constructor(private readonly g: GuardedRedis, private readonly keyOf: (id: string) => string, private readonly ttlSeconds: number) {}

  get counters(): CacheCounters {
    return this.g.counters;
  }

  async get(id: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const key = this.g.prefix + this.keyOf(id);
    const raw = await this.g.run((r) => r.get(key));
    if (raw !== undefined && raw !== null) {
      this.g.counters.hits += 1;
      return JSON.parse(raw) as T;
    }
    this.g.counters.misses += 1;
    const value = await load();
    if (value !== undefined && raw !== undefined) await this.g.run((r) => r.set(key, JSON.stringify(value), 'EX', this.ttlSeconds));
    return value;
  }

  async set(id: string, value: T, ttlSeconds = this.ttlSeconds): Promise<void> {
    await this.g.run((r) => r.set(this.g.prefix + this.keyOf(id), JSON.stringify(value), 'EX', ttlSeconds));
  }

  async invalidate(id: string): Promise<void> {
    await this.g.run((r) => r.del(this.g.prefix + this.keyOf(id)));
  }
}
