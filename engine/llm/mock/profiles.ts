import { LoadlabError } from '../../errors/index.js';
import { LLM_ERRORS } from '../errors.js';
import type { LatencyDistribution } from './random.js';

/** A fault the mock returns instead of a normal response (a typed union, style §14). */
export type MockFault =
  | { readonly kind: 'status'; readonly status: 429 | 500 | 502 | 503 | 529; readonly retryAfterMs?: number }
  | { readonly kind: 'hang' };

/** Faults for a range of calls to the messages endpoint (1-based, inclusive), counted per handler set. */
export interface ScheduledFault {
  readonly fromCall: number;
  readonly toCall: number;
  readonly fault: MockFault;
}

export interface MockProfile {
  readonly name: string;
  /** Multiplies every delay (latency, TTFT, inter-token, retry-after, hang). 0 = no timers at all. */
  readonly timeScale: number;
  readonly seed: number;
  readonly latency: { readonly core: LatencyDistribution; readonly fast: LatencyDistribution; readonly embedding: LatencyDistribution };
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
  decomposer: 700, complexity_assessment: 120, gaps: 300, selector: 200, persona: 220,
  summarizer: 110, judge: 350, voting: 300, synthesis: 800, expert_summary: 80,
  meta_synthesis: 1000, option_extraction: 350, task_extraction: 700,
};

const NO_ERRORS = { rateLimited: 0, overloaded: 0, serverError: 0, hang: 0 } as const;
const ZERO = { p50Ms: 0, p99Ms: 0 } as const;

const instant: MockProfile = {
  name: 'instant',
  timeScale: 1,
  seed: 1,
  latency: { core: ZERO, fast: ZERO, embedding: ZERO },
  stream: { ttft: ZERO, interTokenMs: 0, tokensPerChunk: 16 },
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
 * Latencies in the range public dashboards and our own timing of Sonnet/Haiku 4.x give for
 * 200-1000 output tokens (order of magnitude only; a run states the profile it used).
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
      kind: 'usage',
      hint: `use one of: ${MOCK_PROFILE_NAMES.join(', ')}`,
    });
  }
  const profile = { ...base, ...overrides, name };
  if (!(profile.timeScale >= 0) || !Number.isFinite(profile.timeScale)) {
    throw new LoadlabError(LLM_ERRORS.MOCK_PROFILE_INVALID, `timeScale must be a finite number >= 0, got ${profile.timeScale}`, { kind: 'usage' });
  }
  return Object.freeze(profile);
}
