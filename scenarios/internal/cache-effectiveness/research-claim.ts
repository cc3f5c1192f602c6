import { PRICING_SOURCE, anthropicPrice, priceCall } from '../../../engine/costs/index.js';
import { MODEL_SETS } from '../../../engine/llm/index.js';
import { checkClaim, claimSpec } from '../../../harness/audit/index.js';
import type { Claim } from '../../../harness/result/index.js';
import type { SeededTables } from './tables.js';

const TOKENS = 'research.tokens_per_call';

/** The researcher runs on the fast tier (docs/audited-system.md §10.1): Haiku 4.5 in the audited model set. */
export const RESEARCH_MODEL = MODEL_SETS.audited.fast;

/** bo1's basic research summary is capped at 500 output tokens (researcher.py, max_tokens=500); the rest of a call is input. */
export const RESEARCH_SUMMARY_MAX_OUTPUT = 500;

/** The search a miss runs on bo1's default (basic) path: one Brave web search. */
const SEARCH = { provider: 'brave', model: 'web_search' } as const;

/**
 * What a research-cache hit avoids on bo1's basic path, priced with the engine's table: the web
 * search and the summary call of `tokens` tokens. Output takes its cap first, the costliest split
 * of a given total (output is 5x input on Haiku), so this is an upper bound for that total. The
 * question's embedding is not avoided: a hit needs it for the similarity lookup.
 */
export function researchHitSavingUsd(tokens: number): number {
  const output = Math.min(RESEARCH_SUMMARY_MAX_OUTPUT, tokens);
  const search = priceCall(SEARCH).totalCost;
  const llm = priceCall({ provider: 'anthropic', model: RESEARCH_MODEL, inputTokens: tokens - output, outputTokens: output }).totalCost;
  return search + llm;
}

const usd = (x: number): string => `$${x.toFixed(4)}`;

/**
 * C37, modelled: the engine has no research path and no configured tokens per research call, so
 * the run's value is the mean tokens_used of the seeded research_cache rows (the seeder's own
 * model of a research call) and both ends of the catalogue's range are priced the same way.
 */
export function researchSavingClaim(t: SeededTables): Omit<Claim, 'scenario'> {
  const range = claimSpec('C37').constants?.find((c) => c.name === TOKENS);
  const at = (tokens: number | null | undefined): number | null =>
    tokens === null || tokens === undefined || !Number.isFinite(tokens) ? null : researchHitSavingUsd(tokens);
  const tokens = t.researchTokensMean;
  const value = at(tokens);
  const p = anthropicPrice(RESEARCH_MODEL);
  const search = priceCall(SEARCH).totalCost;
  const shown = tokens === null ? 'no seeded tokens_used' : `${Math.round(tokens).toLocaleString('en')} tokens`;
  return checkClaim('C37', value, {
    summary:
      `a hit avoids one Brave web search (${usd(search)}) and one ${RESEARCH_MODEL} summary call ($${p.input}/$${p.output} per 1M in/out, ` +
      `output at its ${RESEARCH_SUMMARY_MAX_OUTPUT}-token cap): ${value === null ? 'not priced' : usd(value)} per hit at ${shown} per call ` +
      `(mean tokens_used of the ${t.researchRows.toLocaleString('en')} seeded research_cache rows; the engine has no research path and no configured tokens per call), ` +
      `${usd(at(range?.low) ?? Number.NaN)} at ${range?.low.toLocaleString('en') ?? '?'} and ${usd(at(range?.high) ?? Number.NaN)} at ${range?.high.toLocaleString('en') ?? '?'} tokens. ` +
      'The question embedding is still paid on a hit (the lookup needs it). bo1 itself books a hit as saving $0.003 + $0.02 (researcher.py)',
    method:
      `Modelled, no call made: engine/costs priceCall (${PRICING_SOURCE.source} @ ${PRICING_SOURCE.commit}) of what a miss runs on bo1's basic research path ` +
      '(Brave search + fast-tier summary, docs/audited-system.md §10.1); tokens per call from the seeded research_cache.tokens_used ' +
      '(seed/internal/tables/users.ts draws 500-6,000), re-priced at both ends of research.tokens_per_call. ' +
      'The deep path (Tavily advanced, $0.002, no LLM call) saves less.',
    constants: { [TOKENS]: { value: tokens, measuredLow: at(range?.low), measuredHigh: at(range?.high) } },
  });
}
