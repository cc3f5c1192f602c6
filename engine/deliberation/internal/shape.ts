import { hash32 } from './hash.js';

/** Heuristic complexity from word count and strategic keywords (§3 DecompositionConfig). */
export function problemComplexity(problem: string): number {
  const words = problem.trim().split(/\s+/).filter(Boolean).length;
  const base = words < 20 ? 3 : words < 50 ? 5 : words < 100 ? 7 : 8;
  const strategic = /\b(strategy|strategic|expand|acquisition|pivot|fundraising|restructure)\b/i.test(problem);
  return Math.min(9, base + (strategic ? 2 : 0));
}

/** Sub-problem count when not fixed by config: grows with complexity, capped (§4.3). */
export function subProblemCount(complexity: number, cap: number): number {
  const n = complexity <= 3 ? 1 : complexity <= 5 ? 2 : complexity <= 7 ? 3 : 4;
  return Math.max(1, Math.min(cap, n));
}

/** recommended_experts from complexity, clamped to [min, max] (§4.3). */
export function expertCount(complexity: number, min: number, max: number): number {
  const n = complexity <= 4 ? 3 : complexity <= 7 ? 4 : 5;
  return Math.max(min, Math.min(max, n));
}

/** A sub-problem's complexity score in 3..8, stable for its goal text. */
export function subProblemComplexity(goal: string): number {
  return 3 + (hash32(goal) % 6);
}

/** §4.4 adaptive max_rounds by SP complexity: <=3 -> 3, <=5 -> 4, <=7 -> 5, else 6. */
export function adaptiveMaxRounds(complexity: number): number {
  return complexity <= 3 ? 3 : complexity <= 5 ? 4 : complexity <= 7 ? 5 : 6;
}

export type Phase = 'exploration' | 'challenge' | 'convergence';

/** §4.4 subgraph phases: exploration rounds 1-2, challenge 3..max-2, convergence after. */
export function phaseOf(round: number, maxRounds: number): Phase {
  if (round <= 2) return 'exploration';
  if (round <= maxRounds - 2) return 'challenge';
  return 'convergence';
}

/** §4.4: exploration min(personas, 4), later phases min(personas, 3); always the first N. */
export function expertsForPhase(phase: Phase, personas: number): number {
  return Math.min(personas, phase === 'exploration' ? 4 : 3);
}

/**
 * Dependency batches for `batches` mode (§4.3 analyze_dependencies): SP k depends on SP k-1
 * when its goal hash says so, which gives a stable mix of chains and independent SPs.
 */
export function dependencyBatches(goals: readonly string[]): number[][] {
  const level: number[] = [];
  goals.forEach((g, k) => {
    const prev = level[k - 1];
    level.push(k > 0 && prev !== undefined && hash32(g) % 2 === 0 ? prev + 1 : 0);
  });
  const batches: number[][] = [];
  level.forEach((l, k) => (batches[l] ??= []).push(k));
  return batches.filter((b) => b.length > 0);
}
