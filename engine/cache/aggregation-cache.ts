import type { CacheCounters } from './redis-cache.js';

/**
 * bo1's AggregationCache for get_session_costs (§2.4): in-process LRU, TTL 60 s, 500 entries,
 * invalidated per session after each successful cost flush. In-process as in bo1 (not Redis).
 */
export class AggregationCache<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  /** Loads in flight per key, and the keys invalidated during one: their result is not stored. */
  private readonly loading = new Map<string, number>();
  private readonly staleLoads = new Set<string>();
  readonly counters: CacheCounters = { hits: 0, misses: 0, errors: 0, fallbacks: 0 };

  /** `enabled: false`: every `get` runs its query, nothing is counted or kept (costs.aggregationCacheEnabled). */
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    readonly enabled = true,
  ) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.enabled) return load();
    const e = this.entries.get(key);
    if (e !== undefined && this.now() - e.at < this.ttlMs) {
      this.entries.delete(key); // re-insert: Map order is the LRU order
      this.entries.set(key, e);
      this.counters.hits += 1;
      return e.value;
    }
    this.counters.misses += 1;
    this.loading.set(key, (this.loading.get(key) ?? 0) + 1);
    let value: T;
    try {
      value = await load();
    } finally {
      this.endLoad(key);
    }
    // A flush that landed while the query ran may not be in its result: serve it, don't keep it.
    if (this.staleLoads.has(key)) return value;
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  invalidate(keys: Iterable<string>): void {
    for (const k of keys) {
      this.entries.delete(k);
      if (this.loading.has(k)) this.staleLoads.add(k);
    }
  }

  private endLoad(key: string): void {
    const n = (this.loading.get(key) ?? 1) - 1;
    if (n > 0) {
      this.loading.set(key, n);
      return;
    }
    this.loading.delete(key);
    // Cleared on the next tick so the load that just finished still sees the mark.
    queueMicrotask(() => {
      if (!this.loading.has(key)) this.staleLoads.delete(key);
    });
  }

  get size(): number {
    return this.entries.size;
  }
}
