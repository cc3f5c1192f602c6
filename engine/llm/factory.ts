import { LoadlabError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { createLlmClient, type LlmClient } from './client.js';
import { LLM_DEFAULTS } from './defaults.js';
import { LLM_ERRORS } from './errors.js';
import { createMockLlm, type MockLlm } from './mock/handlers.js';
import type { Clock } from './mock/clock.js';
import { resolveMockProfile, type MockProfileOverrides } from './mock/profiles.js';
import { MODEL_CLASSES, resolveRateLimits, type ModelClassLimits, type RateLimitOverrides } from './mock/rate-limits.js';
import { createMockFetch } from './mock/transport.js';
import { MODEL_SETS, type ModelSetName } from './models.js';
import type { CostSink, PriceFn } from './types.js';

/** The `llm` section of the engine config (defaults in LLM_DEFAULTS). */
export interface LlmConfig {
  /** `mock` | `real` (LlmMode); typed as string because resolved config widens literals. */
  readonly mode: string;
  /** A key of MODEL_SETS (ModelSetName). */
  readonly modelSet: string;
  readonly maxRetries: number;
  /** The audited broker's retry loop (LLM_DEFAULTS.brokerRetries); 0 = SDK retries only. */
  readonly brokerRetries?: number;
  readonly brokerRetryBaseDelayMs?: number;
  readonly brokerRetryMaxDelayMs?: number;
  readonly timeoutMs: number;
  readonly mockProfile: string;
  readonly timeScale: number;
  readonly seed: number;
  /** A rate-limit preset name (mock/rate-limits.ts). */
  readonly rateLimits?: string;
  /** Overrides of the preset's numbers by model class; 0 or absent keeps the preset's figure. */
  readonly rateLimitOverrides?: RateLimitOverrides;
  /** Mock provider concurrency ceiling; 0 = none. */
  readonly providerMaxConcurrent?: number;
  readonly mockOverrides?: MockProfileOverrides;
}

export interface LlmSetup {
  readonly client: LlmClient;
  /** Present in mock mode: the handlers (also usable with setupServer) and what they served. */
  readonly mock: MockLlm | undefined;
  /** Real milliseconds per mock millisecond: reports divide measured times by it. */
  readonly timeScale: number;
}

// A hung mock request must still end: the per-attempt timeout follows the mock clock, floored so
// a tiny timeScale does not time out healthy calls.
const MIN_MOCK_TIMEOUT_MS = 250;

export function createLlm(options: {
  config?: Partial<LlmConfig>;
  costSink: CostSink;
  price?: PriceFn;
  logger?: Logger;
  /** Real mode only, passed by the CLI (modules never read env). */
  apiKey?: string;
  voyageApiKey?: string;
  /** Real-mode transport override (defaults to globalThis.fetch). */
  fetch?: typeof fetch;
  /** Mock mode: the wall clock the rate-limit buckets run on (tests pass a manual clock). */
  clock?: Clock;
}): LlmSetup {
  const c = { ...LLM_DEFAULTS, ...options.config };
  const problems = [
    ...(c.mode === 'mock' || c.mode === 'real' ? [] : [`llm.mode: expected mock or real, got "${c.mode}"`]),
    ...(c.modelSet in MODEL_SETS ? [] : [`llm.modelSet: expected one of ${Object.keys(MODEL_SETS).join(', ')}, got "${c.modelSet}"`]),
  ];
  if (problems.length > 0) throw new LoadlabError(LLM_ERRORS.CONFIG_INVALID, problems.join('; '));
  const common = {
    models: MODEL_SETS[c.modelSet as ModelSetName],
    costSink: options.costSink,
    maxRetries: c.maxRetries,
    brokerRetries: c.brokerRetries,
    brokerRetryBaseDelayMs: c.brokerRetryBaseDelayMs,
    brokerRetryMaxDelayMs: c.brokerRetryMaxDelayMs,
    ...(options.price === undefined ? {} : { price: options.price }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
  if (c.mode === 'real') {
    if (options.apiKey === undefined || options.apiKey === '') {
      throw new LoadlabError(LLM_ERRORS.API_KEY_MISSING, 'llm.mode is "real" but no Anthropic API key was given', {
        hint: 'set ANTHROPIC_API_KEY, or use the mock (llm.mode "mock", the default)',
      });
    }
    const client = createLlmClient({
      ...common,
      fetch: options.fetch ?? globalThis.fetch,
      apiKey: options.apiKey,
      timeoutMs: c.timeoutMs,
      ...(options.voyageApiKey === undefined ? {} : { voyageApiKey: options.voyageApiKey }),
    });
    return { client, mock: undefined, timeScale: 1 };
  }
  const rateLimits = resolveRateLimits(c.rateLimits, setOverrides(c.rateLimitOverrides));
  const base = resolveMockProfile(c.mockProfile);
  const profile = resolveMockProfile(c.mockProfile, {
    rateLimits,
    ...(c.providerMaxConcurrent > 0 ? { overload: { ...base.overload, maxConcurrent: c.providerMaxConcurrent } } : {}),
    ...c.mockOverrides,
    timeScale: c.timeScale,
    seed: c.seed,
  });
  const mock = createMockLlm(profile, options.clock === undefined ? {} : { clock: options.clock });
  const client = createLlmClient({
    ...common,
    fetch: createMockFetch(mock.handlers),
    apiKey: 'mock-key',
    voyageApiKey: 'mock-key',
    timeoutMs: Math.max(MIN_MOCK_TIMEOUT_MS, c.timeoutMs * profile.timeScale),
    delayScale: profile.timeScale,
  });
  return { client, mock, timeScale: profile.timeScale };
}

/** Keeps only the overrides that change something: config spells "no override" as 0. */
function setOverrides(input: RateLimitOverrides | undefined): RateLimitOverrides {
  const out: { [C in (typeof MODEL_CLASSES)[number]]?: Partial<ModelClassLimits> } = {};
  for (const c of MODEL_CLASSES) {
    const entries = Object.entries(input?.[c] ?? {}).filter(([, v]) => v !== 0 && v !== undefined);
    if (entries.length > 0) out[c] = Object.fromEntries(entries) as Partial<ModelClassLimits>;
  }
  return out;
}
