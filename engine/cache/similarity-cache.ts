import { createHash } from 'node:crypto';
import type { PersonaLookupShape } from '../config/index.js';
import type { GuardedRedis } from './redis-cache.js';

/** Cosine similarity of two equal-length vectors (0 when either is zero). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Identity of an LLM request for the exact-match key (§8.1). */
export interface LlmRequestKey {
  system: string;
  user: string;
  model: string;
  maxTokens: number;
  temperature: number;
}

/**
 * LLM response cache (§8.1): exact match on `llm:cache:{sha256(system,user,model,max_tokens,temperature)}`,
 * as bo1 had it (off by default, cache.llmResponseCacheEnabled). The value is the caller's string.
 */
export class LlmResponseCache {
  constructor(
    private readonly g: GuardedRedis,
    private readonly o: { ttlSeconds: number },
  ) {}

  static keyOf(k: LlmRequestKey): string {
    return `llm:cache:${sha(JSON.stringify([k.system, k.user, k.model, k.maxTokens, k.temperature]))}`;
  }

  get counters(): GuardedRedis['counters'] {
    return this.g.counters;
  }

  async get(k: LlmRequestKey): Promise<string | undefined> {
    const raw = await this.g.run((r) => r.get(this.g.prefix + LlmResponseCache.keyOf(k)));
    if (typeof raw === 'string') {
      this.g.counters.hits += 1;
      return raw;
    }
    this.g.counters.misses += 1;
    return undefined;
  }

  async set(k: LlmRequestKey, response: string): Promise<void> {
    await this.g.run((r) => r.set(this.g.prefix + LlmResponseCache.keyOf(k), response, 'EX', this.o.ttlSeconds));
  }
}

/**
 * Persona selection cache (§8.1): `personas:cache:{sha256(goal)[:16]}` holding the selection and
 * the goal's embedding; a lookup returns the best entry with cosine ≥ threshold. `keys_scan` is
 * bo1's lookup (KEYS personas:cache:* then one GET per key); `index_set` reads a member set and one MGET.
 */
export class PersonaSelectionCache<T> {
  constructor(
    private readonly g: GuardedRedis,
    private readonly o: { ttlSeconds: number; threshold: number; shape: PersonaLookupShape },
  ) {}

  get counters(): GuardedRedis['counters'] {
    return this.g.counters;
  }

  async set(goal: string, embedding: readonly number[], selection: T): Promise<void> {
    const key = `${this.g.prefix}personas:cache:${sha(goal).slice(0, 16)}`;
    await this.g.run((r) =>
      r
        .pipeline()
        .set(key, JSON.stringify({ embedding, selection }), 'EX', this.o.ttlSeconds)
        .sadd(`${this.g.prefix}personas:cache:index`, key)
        .exec(),
    );
  }

  async find(embedding: readonly number[]): Promise<{ selection: T; similarity: number } | undefined> {
    const values = await this.g.run(async (r) => {
      const keys =
        this.o.shape === 'keys_scan'
          ? (await r.keys(`${this.g.prefix}personas:cache:*`)).filter((k) => !k.endsWith(':index'))
          : await r.smembers(`${this.g.prefix}personas:cache:index`);
      if (keys.length === 0) return [];
      return this.o.shape === 'keys_scan' ? Promise.all(keys.map((k) => r.get(k))) : r.mget(...keys);
    });
    let best: { selection: T; similarity: number } | undefined;
    for (const raw of values ?? []) {
      if (raw === null) continue;
      const e = JSON.parse(raw) as { embedding: number[]; selection: T };
      const s = cosine(embedding, e.embedding);
      if (s >= this.o.threshold && (best === undefined || s > best.similarity)) best = { selection: e.selection, similarity: s };
    }
    if (best === undefined) this.g.counters.misses += 1;
    else this.g.counters.hits += 1;
    return best;
  }
}
