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
  /**
   * The audited broker's retry loop around the SDK call (§10.1 RetryPolicy: 5 retries, 1 s x2 up
   * to 60 s, jitter), scaled by timeScale in mock mode. 0 (default) leaves the SDK's loop alone;
   * 5 reproduces bo1, where a call could make (5 + 1) x (maxRetries + 1) = 18 attempts.
   */
  brokerRetries: 0,
  brokerRetryBaseDelayMs: 1_000,
  brokerRetryMaxDelayMs: 60_000,
  /** Per-attempt timeout (SDK default 10 min). In mock mode it is multiplied by timeScale. */
  timeoutMs: 600_000,
  /** Mock profile name (mock/profiles.ts) and the factor applied to every mock delay. */
  mockProfile: 'instant',
  timeScale: 1,
  seed: 1,
  /**
   * Provider rate limits the mock enforces: `none` or a usage-tier preset (`tier-1`..`tier-4`,
   * mock/rate-limits.ts; figures and their source in docs/llm-rate-limits.md).
   */
  rateLimits: 'none',
  /** Per-number overrides of that preset, by model class; 0 keeps the preset's figure. */
  rateLimitOverrides: {
    opus: { requestsPerMinute: 0, inputTokensPerMinute: 0, outputTokensPerMinute: 0 },
    sonnet: { requestsPerMinute: 0, inputTokensPerMinute: 0, outputTokensPerMinute: 0 },
    haiku: { requestsPerMinute: 0, inputTokensPerMinute: 0, outputTokensPerMinute: 0 },
  },
  /** The mock provider's concurrency ceiling (0 = none): past it generation slows and 529s appear. */
  providerMaxConcurrent: 0,
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
