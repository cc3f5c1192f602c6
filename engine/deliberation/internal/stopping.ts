import type { DeliberationSettings } from '../defaults.js';
import type { QualityMetrics } from './metrics.js';

export type StopReason =
  | 'hard_cap_6_rounds'
  | 'max_rounds'
  | 'early_convergence'
  | 'deadlock_detected'
  | 'stalled_disagreement'
  | 'consensus'
  | 'quality_threshold_met'
  | 'cost_budget_exceeded';

export interface StopInput {
  /** bo1 stores the *next* round number; the rules test that value (§4.6 quirk). */
  readonly nextRound: number;
  readonly maxRounds: number;
  readonly hardCap: number;
  readonly metrics: QualityMetrics;
  readonly hasNovelty: boolean;
  readonly stalledRounds: number;
  readonly speakersRecentShare: number;
}

/**
 * §4.6 in order. Because the max-rounds rules test the next round number, a sub-problem with
 * max_rounds M executes M - 1 rounds and the hard cap 6 allows 5: reproduced on purpose.
 */
export function stopReason(s: StopInput, t: DeliberationSettings): StopReason | undefined {
  const executed = s.nextRound - 1;
  const m = s.metrics;
  if (s.nextRound >= s.hardCap) return 'hard_cap_6_rounds';
  if (s.nextRound >= s.maxRounds) return 'max_rounds';
  if (executed >= 2 && s.hasNovelty && m.convergence > t.earlyConvergence && m.novelty < t.earlyNoveltyMax) return 'early_convergence';
  if (m.repetition > t.deadlockSimilarity && 1 - m.novelty > 0.6) return 'deadlock_detected';
  if (s.stalledRounds >= t.stalledRounds) return 'stalled_disagreement';
  if (
    executed >= 3 &&
    m.convergence > t.consensusConvergence &&
    s.speakersRecentShare >= 0.6 &&
    s.hasNovelty &&
    m.novelty <= t.consensusNoveltyMax
  )
    return 'consensus';
  if (m.completeness >= 0.9) return 'quality_threshold_met';
  return undefined;
}
