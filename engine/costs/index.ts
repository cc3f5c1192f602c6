/** Cost accounting of LLM/embedding/search calls (docs/audited-system.md §5). */
export {
  ANTHROPIC_PRICING,
  FALLBACK_MODEL,
  MODEL_ALIASES,
  OPENAI_PRICING,
  PRICING_SOURCE,
  SEARCH_PRICING,
  VOYAGE_PRICING,
  VOYAGE_TOKENS_PER_WORD,
  anthropicPrice,
  estimateVoyageTokens,
  priceCall,
  priceCallInState,
} from './pricing.js';
export type { CallPrice, CostProvider, ModelPrice, PriceCallInput } from './pricing.js';
export { buildCostRecord, decodeRecord, encodeRecord } from './record.js';
export type { TrackCallInput } from './record.js';
export { CostTracker } from './tracker.js';
export type { CostAccounting, CostQueueRedis, CostTrackerOptions } from './tracker.js';
