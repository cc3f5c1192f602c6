/**
 * Deliberation settings (the `deliberation` config section). Limits shared with other parts
 * (sub-problem cap, hard round cap, experts 3-5, cost cap, embedding batch size) live in
 * engine/config `limits` / `embeddings` and are passed in next to these.
 */
export type SubProblemMode = 'sequential' | 'parallel' | 'batches';
/** `per_text`: one Voyage request per text (audited, §4.7); `batched`: dedupe + batch by embeddings.batchSize. `auto` follows the variant. */
export type EmbeddingMode = 'auto' | 'per_text' | 'batched';

export const DELIBERATION_DEFAULTS = {
  /** §4.3: bo1 ran every SP at once (`parallel`), or dependency `batches`; `sequential` is the single-SP loop. */
  subProblemMode: 'parallel' as SubProblemMode,
  /** §4.8: keep contributions of the last 2 rounds (at least 6); the audited subgraph kept all. */
  pruning: true,
  /** §4.8: the fewest contributions pruning keeps, whatever the rounds (bo1: 6). */
  pruningMinKept: 6,
  embeddingMode: 'auto' as EmbeddingMode,
  /** 0 = from the problem's heuristic complexity (words 20/50/100 -> 3/5/7/8, §3 DecompositionConfig). */
  subProblems: 0,
  /** 0 = recommended_experts from complexity, clamped to limits.minExperts..maxExperts (§4.3). */
  personasPerSubProblem: 0,
  /** 0 = adaptive by SP complexity: <=3 -> 3, <=5 -> 4, <=7 -> 5, else 6 (§4.4); executes one fewer (§4.6). */
  subProblemMaxRounds: 0,
  /** §4.4 prompt shape: last 3 contributions truncated to 500 chars, last 3 round summaries. */
  promptContributions: 3,
  promptContributionChars: 500,
  promptSummaries: 3,
  /** §4.6 thresholds. */
  earlyConvergence: 0.85,
  earlyNoveltyMax: 0.3,
  deadlockSimilarity: 0.75,
  consensusConvergence: 0.9,
  consensusNoveltyMax: 0.15,
  stalledConflict: 0.7,
  stalledNoveltyMax: 0.4,
  stalledRounds: 3,
  /** §4.9 / §4.10: multi-SP sessions end with meta-synthesis + option extraction; then task extraction. */
  optionExtraction: true,
  taskExtraction: true,
};

export type DeliberationSettings = typeof DELIBERATION_DEFAULTS;

/** Engine-wide limits the deliberation reads (engine/config `limits` and `embeddings`). */
export interface DeliberationLimits {
  readonly maxSubProblems: number;
  readonly maxRounds: number;
  readonly minExperts: number;
  readonly maxExperts: number;
  readonly maxCostPerSessionUsd: number;
  readonly embeddingBatchSize: number;
}

export const DELIBERATION_LIMIT_DEFAULTS: DeliberationLimits = {
  maxSubProblems: 4, // §3 MAX_SUBPROBLEMS_HARD_CAP
  maxRounds: 6, // §4.6 hard cap
  minExperts: 3,
  maxExperts: 5,
  maxCostPerSessionUsd: 1, // §4.6 MAX_COST_PER_SESSION
  embeddingBatchSize: 20, // §3 EmbeddingsConfig.BATCH_SIZE (5 at audit time)
};
