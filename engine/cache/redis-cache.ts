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

  constructor(
    readonly redis: Redis,
    readonly breaker: CircuitBreaker,
    readonly prefix: string,
  ) {}

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
  /**
   * `enabled: false` turns the cache into its source: `get` only loads, `getMany` finds nothing,
   * and neither touches Redis nor counts a lookup (the baseline a cache is measured against).
   */
  constructor(
    private readonly g: GuardedRedis,
    private readonly keyOf: (id: string) => string,
    private readonly ttlSeconds: number,
    readonly enabled = true,
  ) {}

  get counters(): CacheCounters {
    return this.g.counters;
  }

  /**
   * One GET; on a miss, `load` and (Redis up) SET with TTL. `store` decides whether a loaded
   * value is written back (the API re-caches only terminal session statuses), `ttlSeconds`
   * overrides the cache's TTL for that write.
   */
  async get(
    id: string,
    load: () => Promise<T | undefined>,
    opts: { store?: (value: T) => boolean; ttlSeconds?: number } = {},
  ): Promise<T | undefined> {
    if (!this.enabled) return load();
    const key = this.g.prefix + this.keyOf(id);
    const raw = await this.g.run((r) => r.get(key));
    if (raw !== undefined && raw !== null) {
      this.g.counters.hits += 1;
      return JSON.parse(raw) as T;
    }
    this.g.counters.misses += 1;
    const value = await load();
    if (value !== undefined && raw !== undefined && (opts.store?.(value) ?? true)) {
      await this.g.run((r) => r.set(key, JSON.stringify(value), 'EX', opts.ttlSeconds ?? this.ttlSeconds));
    }
    return value;
  }

  /**
   * One MGET for many ids: the hits, by id (misses are left to the caller, which usually has the
   * source rows already). Empty when Redis fails or the breaker is open.
   */
  async getMany(ids: readonly string[]): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    if (ids.length === 0 || !this.enabled) return out;
    const raws = await this.g.run((r) => r.mget(ids.map((id) => this.g.prefix + this.keyOf(id))));
    if (raws === undefined) return out;
    ids.forEach((id, i) => {
      const raw = raws[i];
      if (raw === undefined || raw === null) return;
      try {
        out.set(id, JSON.parse(raw) as T);
      } catch {
        // A value this cache cannot read is a miss.
      }
    });
    this.g.counters.hits += out.size;
    this.g.counters.misses += ids.length - out.size;
    return out;
  }

  async set(id: string, value: T, ttlSeconds = this.ttlSeconds): Promise<void> {
    await this.g.run((r) => r.set(this.g.prefix + this.keyOf(id), JSON.stringify(value), 'EX', ttlSeconds));
  }

  async invalidate(id: string): Promise<void> {
    await this.g.run((r) => r.del(this.g.prefix + this.keyOf(id)));
  }
}
