import { LoadlabError } from '../../errors/index.js';
import { LLM_ERRORS } from '../errors.js';
import type { LatencyDistribution } from './random.js';
import { RATE_LIMIT_PRESETS, type RateLimitSpec } from './rate-limits.js';

/** A fault the mock returns instead of a normal response (a typed union, style §14). */
export type MockFault =
  { readonly kind: 'status'; readonly status: 429 | 500 | 502 | 503 | 529; readonly retryAfterMs?: number } | { readonly kind: 'hang' };

/** Faults for a range of calls to the messages endpoint (1-based, inclusive), counted per handler set. */
export interface ScheduledFault {
  readonly fromCall: number;
  readonly toCall: number;
  readonly fault: MockFault;
}

/**
 * Latency as the API produces it: time to first token, then each output token at the model's
 * rate. Both are lognormal per call (p50/p99), so a slow call is slow throughout.
 */
export interface GenerationModel {
  readonly ttft: LatencyDistribution;
  /** Milliseconds per output token: 1000 / tokens per second. */
  readonly perToken: LatencyDistribution;
}

/**
 * A provider-side concurrency ceiling: past `maxConcurrent` requests in flight, generation slows
 * in proportion (the provider's capacity is shared) and 529 overloaded_error appears with a
 * probability that grows with the excess. `maxConcurrent` 0 switches it off.
 */
export interface OverloadModel {
  readonly maxConcurrent: number;
  /** Added 529 probability per excess request, as a share of the ceiling (excess / maxConcurrent x slope). */
  readonly overloadedSlope: number;
  readonly maxOverloadedRate: number;
}

export interface MockProfile {
  readonly name: string;
  /**
   * Multiplies every delay (latency, TTFT, inter-token, retry-after, hang). 0 = no timers at all.
   * Rate-limit buckets refill in provider time (wall time / timeScale), so compressing time
   * compresses refill and retry-after alike.
   */
  readonly timeScale: number;
  readonly seed: number;
  /** Whole-response latency per tier, used for messages when `generation` is undefined. */
  readonly latency: { readonly core: LatencyDistribution; readonly fast: LatencyDistribution; readonly embedding: LatencyDistribution };
  /** Token-rate latency (TTFT + output tokens x per-token time); replaces `latency` and `stream` timings when set. */
  readonly generation: { readonly core: GenerationModel; readonly fast: GenerationModel } | undefined;
  readonly overload: OverloadModel;
  /** Provider rate limits (rate-limits.ts); `none` admits everything. */
  readonly rateLimits: RateLimitSpec;
  readonly stream: { readonly ttft: LatencyDistribution; readonly interTokenMs: number; readonly tokensPerChunk: number };
  /** Probability per request of each fault; checked after the schedule. */
  readonly errorRates: { readonly rateLimited: number; readonly overloaded: number; readonly serverError: number; readonly hang: number };
  readonly errorSchedule: readonly ScheduledFault[];
  /** Real-time retry-after sent with 429/529/5xx (scaled like every delay). */
  readonly retryAfterMs: number;
  /** Output tokens by role (capped by max_tokens; ±20 % jitter from the seed). */
  readonly outputTokensByRole: Readonly<Record<string, number>>;
  readonly defaultOutputTokens: number;
  /** Prompt caching: cache_creation on first sight of a cached system prompt, cache_read after. */
  readonly promptCache: boolean;
  /** Anthropic only caches prompts above a minimum size (1024 tokens for Sonnet); 0 caches all. */
  readonly minCacheableTokens: number;
  /** Embedding latency applies per request; tokens are words x 1.3 (§5.1). */
  readonly embeddingDimensions: number;
}

/** Output sizes per role, from the prompt budgets in docs/audited-system.md §4.4-§4.9 (150-word persona budget...). */
const OUTPUT_TOKENS: Record<string, number> = {
  decomposer: 700,
  complexity_assessment: 120,
  gaps: 300,
  selector: 200,
  persona: 220,
  summarizer: 110,
  judge: 350,
  voting: 300,
  synthesis: 800,
  expert_summary: 80,
  meta_synthesis: 1000,
  option_extraction: 350,
  task_extraction: 700,
};

const NO_ERRORS = { rateLimited: 0, overloaded: 0, serverError: 0, hang: 0 } as const;
const ZERO = { p50Ms: 0, p99Ms: 0 } as const;

const instant: MockProfile = {
  name: 'instant',
  timeScale: 1,
  seed: 1,
  latency: { core: ZERO, fast: ZERO, embedding: ZERO },
  stream: { ttft: ZERO, interTokenMs: 0, tokensPerChunk: 16 },
  generation: undefined,
  overload: { maxConcurrent: 0, overloadedSlope: 0.5, maxOverloadedRate: 0.5 },
  rateLimits: RATE_LIMIT_PRESETS['none'] ?? { name: 'none', classes: undefined },
  errorRates: NO_ERRORS,
  errorSchedule: [],
  retryAfterMs: 1_000,
  outputTokensByRole: OUTPUT_TOKENS,
  defaultOutputTokens: 200,
  promptCache: true,
  minCacheableTokens: 0,
  embeddingDimensions: 1024,
};

/**
 * Token-rate latency with medians from public benchmark dashboards (Sonnet 4.5: ~63 tokens/s,
 * TTFT ~1.8 s; Haiku 4.5: ~100 tokens/s, TTFT ~1.3 s); the p99s are our assumption. Sources and
 * caveats in docs/llm-rate-limits.md. `latency` stays as the whole-call figure for reference.
 */
const realistic: MockProfile = {
  ...instant,
  name: 'realistic',
  latency: {
    core: { p50Ms: 6_000, p99Ms: 20_000 },
    fast: { p50Ms: 2_000, p99Ms: 7_000 },
    embedding: { p50Ms: 150, p99Ms: 600 },
  },
  stream: { ttft: { p50Ms: 700, p99Ms: 2_500 }, interTokenMs: 15, tokensPerChunk: 4 },
  generation: {
    core: { ttft: { p50Ms: 1_800, p99Ms: 6_000 }, perToken: { p50Ms: 16, p99Ms: 40 } },
    fast: { ttft: { p50Ms: 1_300, p99Ms: 4_000 }, perToken: { p50Ms: 10, p99Ms: 25 } },
  },
};

/** Realistic latencies plus the error mix that makes retries and cost-per-attempt visible. */
const flaky: MockProfile = {
  ...realistic,
  name: 'flaky',
  errorRates: { rateLimited: 0.05, overloaded: 0.02, serverError: 0.01, hang: 0 },
};

export const MOCK_PROFILES: Readonly<Record<string, MockProfile>> = { instant, realistic, flaky };
export const MOCK_PROFILE_NAMES = Object.keys(MOCK_PROFILES);

export type MockProfileOverrides = Partial<Omit<MockProfile, 'name'>>;

/** Named profile + overrides, validated: a typo in a profile name is a usage error, not a silent default. */
export function resolveMockProfile(name: string, overrides: MockProfileOverrides = {}): MockProfile {
  const base = MOCK_PROFILES[name];
  if (base === undefined) {
    throw new LoadlabError(LLM_ERRORS.MOCK_PROFILE_UNKNOWN, `unknown mock profile "${name}"`, {
      hint: `use one of: ${MOCK_PROFILE_NAMES.join(', ')}`,
    });
  }
  const profile = { ...base, ...overrides, name };
  if (!(profile.timeScale >= 0) || !Number.isFinite(profile.timeScale)) {
    throw new LoadlabError(LLM_ERRORS.MOCK_PROFILE_INVALID, `timeScale must be a finite number >= 0, got ${profile.timeScale}`);
  }
  // At timeScale 0 the provider clock would run infinitely fast: every bucket refills at once.
  if (profile.timeScale === 0 && profile.rateLimits.classes !== undefined) {
    throw new LoadlabError(
      LLM_ERRORS.MOCK_PROFILE_INVALID,
      `rate limits ("${profile.rateLimits.name}") need a timeScale > 0: at 0 no provider time passes between calls`,
      {
        hint: 'use a small timeScale such as 0.01 instead of 0, or rate limits "none"',
      },
    );
  }
  const o = profile.overload;
  if (!(o.maxConcurrent >= 0 && o.overloadedSlope >= 0 && o.maxOverloadedRate >= 0 && o.maxOverloadedRate <= 1)) {
    throw new LoadlabError(
      LLM_ERRORS.MOCK_PROFILE_INVALID,
      `overload: maxConcurrent and overloadedSlope must be >= 0 and maxOverloadedRate within 0..1`,
    );
  }
  return Object.freeze(profile);
}
