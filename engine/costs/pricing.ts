/**
 * Price tables of bo1 (docs/audited-system.md §5.1; rtfm-si/bo1 @ 2b2b9bae, 2026-02-12) and the pure
 * cost function the CostTracker, the seeder and the harness share. Prices are USD per 1M tokens
 * (LLM, embeddings) or per query (search). Data only: no I/O.
 */

/** Where the tables come from; reports cite it next to any cost figure. */
export const PRICING_SOURCE = {
  source: 'rtfm-si/bo1 bo1/llm/cost_tracker.py ANTHROPIC_PRICING, bo1/llm/embeddings.py (docs/audited-system.md §5.1)',
  commit: '2b2b9bae',
  date: '2026-02-12',
} as const;

/** Per-1M-token prices of one LLM model. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite: number;
  readonly cacheRead: number;
}

/** Anthropic per-1M prices by model id (docs/audited-system.md §5.1, `ANTHROPIC_PRICING`). */
export const ANTHROPIC_PRICING: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'claude-sonnet-4-5-20250929': { input: 3.0, output: 15.0, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-haiku-4-5-20251001': { input: 1.0, output: 5.0, cacheWrite: 1.25, cacheRead: 0.1 },
  'claude-opus-4-20250514': { input: 15.0, output: 75.0, cacheWrite: 18.75, cacheRead: 1.5 },
  // Test override in bo1; kept so seeded data using it prices like bo1 did.
  'claude-3-5-haiku-20241022': { input: 0.8, output: 4.0, cacheWrite: 1.0, cacheRead: 0.08 },
});

/** Aliases bo1 resolves before pricing; `opus` maps to an id absent from the table (→ Sonnet). */
export const MODEL_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  sonnet: 'claude-sonnet-4-5-20250929',
  core: 'claude-sonnet-4-5-20250929',
  haiku: 'claude-haiku-4-5-20251001',
  fast: 'claude-haiku-4-5-20251001',
  opus: 'claude-opus-4-1-20250805',
});

/** Unknown models fall back to Sonnet pricing (docs/audited-system.md §5.1). */
export const FALLBACK_MODEL = 'claude-sonnet-4-5-20250929';

/** Voyage embedding price per 1M tokens; tokens are estimated as words × 1.3 (§5.1). */
export const VOYAGE_PRICING: Readonly<Record<string, number>> = Object.freeze({
  'voyage-3': 0.06,
  'voyage-3-lite': 0.02,
  'voyage-3-large': 0.18,
});

/** bo1's word→token estimate for embeddings (§5.1). */
export const VOYAGE_TOKENS_PER_WORD = 1.3;

/** Search prices per query (§5.1). */
export const SEARCH_PRICING: Readonly<Record<string, Readonly<Record<string, number>>>> = Object.freeze({
  brave: { web_search: 0.003, ai_search: 0.005 },
  tavily: { basic: 0.001, advanced: 0.002 },
});

/**
 * OpenAI fallback prices exist in bo1 but track_call computes 0 for provider `openai` (§5.1);
 * kept as data for reports only.
 */
export const OPENAI_PRICING: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'gpt-5.1': { input: 2.5, output: 10.0, cacheWrite: 0, cacheRead: 1.25 },
  'gpt-5.1-mini': { input: 0.15, output: 0.6, cacheWrite: 0, cacheRead: 0.075 },
});

/** Which providers a call can be priced for; mirrors api_costs' provider CHECK plus `openai`. */
export type CostProvider = 'anthropic' | 'voyage' | 'brave' | 'tavily' | 'openai';

/** Inputs of one call to price. Missing token counts are 0. */
export interface PriceCallInput {
  readonly provider: CostProvider;
  /** Model id or alias (anthropic/openai/voyage); search operation for brave/tavily. */
  readonly model: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheCreationTokens?: number;
  readonly cacheReadTokens?: number;
  /** Number of search queries (brave/tavily); defaults to 1. */
  readonly queries?: number;
}

/** Cost breakdown in USD, matching the api_costs columns. */
export interface CallPrice {
  readonly inputCost: number;
  readonly outputCost: number;
  readonly cacheWriteCost: number;
  readonly cacheReadCost: number;
  readonly totalCost: number;
  readonly costWithoutOptimization: number;
  readonly cacheHit: boolean;
  readonly optimizationType: 'prompt_cache' | null;
}

const PER_MILLION = 1_000_000;

/** Resolves an alias, then the table entry, else Sonnet (the fallback of docs/audited-system.md §5.1). */
export function anthropicPrice(model: string): ModelPrice {
  const id = MODEL_ALIASES[model] ?? model;
  return ANTHROPIC_PRICING[id] ?? (ANTHROPIC_PRICING[FALLBACK_MODEL] as ModelPrice);
}

/** Estimated Voyage token count of a text: words × 1.3, rounded down like bo1's int(). */
export function estimateVoyageTokens(text: string): number {
  const words = text.trim() === '' ? 0 : text.trim().split(/\s+/).length;
  return Math.floor(words * VOYAGE_TOKENS_PER_WORD);
}

/**
 * Prices one call with bo1's api_costs formula (§5.1): regular input excludes cache tokens
 * (reproducing bo1's double subtraction, which under-states input cost when caching is active),
 * total clamped at 0, `costWithoutOptimization` ignores cache tokens. Pure.
 */
export function priceCall(call: PriceCallInput): CallPrice {
  const input = call.inputTokens ?? 0;
  const output = call.outputTokens ?? 0;
  const creation = call.cacheCreationTokens ?? 0;
  const read = call.cacheReadTokens ?? 0;
  const zero: CallPrice = {
    inputCost: 0,
    outputCost: 0,
    cacheWriteCost: 0,
    cacheReadCost: 0,
    totalCost: 0,
    costWithoutOptimization: 0,
    cacheHit: read > 0,
    optimizationType: read > 0 ? 'prompt_cache' : null,
  };
  switch (call.provider) {
    case 'anthropic': {
      const p = anthropicPrice(call.model);
      const regular = Math.max(0, input - read - creation);
      const inputCost = (regular * p.input) / PER_MILLION;
      const outputCost = (output * p.output) / PER_MILLION;
      const cacheWriteCost = (creation * p.cacheWrite) / PER_MILLION;
      const cacheReadCost = (read * p.cacheRead) / PER_MILLION;
      return {
        ...zero,
        inputCost,
        outputCost,
        cacheWriteCost,
        cacheReadCost,
        totalCost: Math.max(0, inputCost + outputCost + cacheWriteCost + cacheReadCost),
        costWithoutOptimization: (input * p.input + output * p.output) / PER_MILLION,
      };
    }
    case 'voyage': {
      const price = VOYAGE_PRICING[call.model] ?? (VOYAGE_PRICING['voyage-3'] as number);
      const inputCost = (input * price) / PER_MILLION;
      return { ...zero, inputCost, totalCost: inputCost, costWithoutOptimization: inputCost };
    }
    case 'brave':
    case 'tavily': {
      const perQuery = SEARCH_PRICING[call.provider]?.[call.model] ?? 0;
      const totalCost = perQuery * (call.queries ?? 1);
      return { ...zero, totalCost, costWithoutOptimization: totalCost };
    }
    case 'openai':
      // bo1's track_call computes no cost for openai (§5.1): reproduce the zero.
      return zero;
  }
}

/**
 * The second, in-state formula (`config.calculate_cost`, §5.1): no cache subtraction. Feeds
 * sessions.total_cost and SSE cost events in bo1, so the two totals diverge on purpose.
 */
export function priceCallInState(call: PriceCallInput): number {
  if (call.provider !== 'anthropic') return priceCall(call).totalCost;
  const p = anthropicPrice(call.model);
  return (
    ((call.inputTokens ?? 0) * p.input +
      (call.outputTokens ?? 0) * p.output +
      (call.cacheCreationTokens ?? 0) * p.cacheWrite +
      (call.cacheReadTokens ?? 0) * p.cacheRead) /
    PER_MILLION
  );
}
