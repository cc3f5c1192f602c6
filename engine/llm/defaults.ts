import type { ModelSetName } from './models.js';

/**
 * Defaults of the LLM client. Sources: docs/audited-system.md §10.1 (call shapes), §10.2 (Voyage), the SDK's
 * own ClientOptions defaults (maxRetries 2, timeout 10 min).
 */
export const LLM_DEFAULTS = {
  /** `mock` resolves every request through the msw handlers; `real` needs ANTHROPIC_API_KEY. */
  mode: 'mock' as 'mock' | 'real',
  /** Tier -> model ids (models.ts). `audited` selects the deprecated Sonnet 4.5 id of the audit. */
  modelSet: 'current' as ModelSetName,
  /** The SDK's own retry loop stays in play; each attempt becomes its own cost record. */
  maxRetries: 2,
  /** Per-attempt timeout (SDK default 10 min). In mock mode it is multiplied by timeScale. */
  timeoutMs: 600_000,
  /** Mock profile name (mock/profiles.ts) and the factor applied to every mock delay. */
  mockProfile: 'instant',
  timeScale: 1,
  seed: 1,
  anthropicBaseUrl: 'https://api.anthropic.com',
  voyageUrl: 'https://api.voyageai.com/v1/embeddings',
  /** voyage-3, 1024 dims (§10.2). */
  embeddingModel: 'voyage-3',
  embeddingDimensions: 1024,
  /** Voyage client retries on 429/5xx: 3 attempts, 0.5 s x2 backoff (§10.2). */
  embeddingMaxRetries: 3,
  embeddingInitialDelayMs: 500,
  /** bo1 sent `anthropic-beta: prompt-caching-2024-07-31` on every call (§10.1). */
  promptCachingBeta: true,
} as const;

export type LlmMode = 'mock' | 'real';
