import type { LlmResponseCache, PersonaSelectionCache } from '../cache/index.js';
import type { LlmPort, PersonaCachePort } from '../deliberation/index.js';
import { modelForRole, type CompletionResult, type LlmClient } from '../llm/index.js';

/** What a cached completion keeps: enough to answer the same request again. */
interface StoredCompletion {
  text: string;
  model: string;
  stopReason: string | null;
}

const NO_USAGE = { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0 } as const;

function parseStored(raw: string): StoredCompletion | undefined {
  try {
    const v = JSON.parse(raw) as Partial<StoredCompletion>;
    return typeof v.text === 'string' && typeof v.model === 'string'
      ? { text: v.text, model: v.model, stopReason: v.stopReason ?? null }
      : undefined;
  } catch {
    return undefined; // an entry this version cannot read is a miss
  }
}

/**
 * §10.1 "before the call: the response cache": the client behind bo1's exact-match LLM cache
 * (key: system, user, model, max_tokens, temperature). A hit answers without an HTTP request or
 * a cost record, and costs 0 in the session's state; a miss calls the provider and stores the
 * answer for cache.llmCacheTtlSeconds. The engine wraps its client in this only when
 * cache.llmResponseCacheEnabled is on (off in both variants, as audited). Streamed calls pass through.
 */
export function withResponseCache(client: LlmClient, cache: LlmResponseCache): LlmPort {
  return {
    embed: (texts, context) => client.embed(texts, context),
    async complete(req): Promise<CompletionResult> {
      if (req.stream === true) return client.complete(req);
      const t0 = performance.now();
      const key = {
        system: req.system,
        user: req.user,
        model: modelForRole(client.models, req.role),
        maxTokens: req.maxTokens,
        temperature: req.temperature ?? 1,
      };
      const raw = await cache.get(key);
      const hit = raw === undefined ? undefined : parseStored(raw);
      if (hit !== undefined) {
        return {
          text: hit.text,
          model: hit.model,
          usage: { ...NO_USAGE },
          stopReason: hit.stopReason,
          attempts: 0,
          latencyMs: performance.now() - t0,
          costUsd: 0,
        };
      }
      const res = await client.complete(req);
      const stored: StoredCompletion = { text: res.text, model: res.model, stopReason: res.stopReason };
      await cache.set(key, JSON.stringify(stored));
      return res;
    },
  };
}

/** The deliberation's persona cache port over the engine's PersonaSelectionCache (selections are persona codes). */
export function personaCachePort(cache: PersonaSelectionCache<unknown>): PersonaCachePort {
  return {
    async find(embedding) {
      const selection = (await cache.find(embedding))?.selection;
      return Array.isArray(selection) && selection.every((c) => typeof c === 'string') ? (selection as string[]) : undefined;
    },
    store: (goal, embedding, codes) => cache.set(goal, embedding, [...codes]),
  };
}
