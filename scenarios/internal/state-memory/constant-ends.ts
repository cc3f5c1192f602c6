import { constantRange } from '../../../harness/audit/index.js';
import type { LlmClient } from '../../../engine/llm/index.js';
import { measureRetained, type RetainedContributions } from './retained.js';

/*
 * The deliberations of the retained-bytes measurement re-run with one constant at an end of its
 * catalogue range (issue #14), through the engine's own settings:
 * - `rounds.<end>.<off|on>.<k>`: every sub-problem count, pruning off and on, rounds forced to the
 *   end of deliberation.rounds (C24, C25, C43);
 * - `kept.<end>.<k>`: pruning on with pruning.min_kept at the end (C25);
 * - `personas.<end>`: one sub-problem, pruning off, round.personas at the end (C24).
 */

export type Ends = ReadonlyMap<string, readonly RetainedContributions[]>;
export type End = 'low' | 'high';

const END_NAMES: readonly End[] = ['low', 'high'];

export const ROUNDS = 'deliberation.rounds';
export const MIN_KEPT = 'pruning.min_kept';
export const PERSONAS = 'round.personas';

export async function measureEnds(
  llm: LlmClient,
  p: { problems: number; subProblemCounts: readonly number[] },
  progress: (detail: string) => void,
): Promise<Ends> {
  const rounds = constantRange('C25', ROUNDS);
  const kept = constantRange('C25', MIN_KEPT);
  const personas = constantRange('C24', PERSONAS);
  const out = new Map<string, RetainedContributions[]>();
  const add = (key: string, r: RetainedContributions): void => void out.set(key, [...(out.get(key) ?? []), r]);
  for (let i = 0; i < p.problems; i++) {
    for (const k of p.subProblemCounts) {
      progress(`problem ${i + 1}/${p.problems}, ${k} sub-problem(s)`);
      for (const end of END_NAMES) {
        for (const pruning of [false, true]) {
          const input = { sessionId: `end-${k}-${i}-r${end}-${pruning}`, problem: i, subProblems: k, pruning, rounds: rounds[end] };
          add(`rounds.${end}.${pruning ? 'on' : 'off'}.${k}`, await measureRetained(llm, input));
        }
        const input = { sessionId: `end-${k}-${i}-k${end}`, problem: i, subProblems: k, pruning: true, pruningMinKept: kept[end] };
        add(`kept.${end}.${k}`, await measureRetained(llm, input));
      }
    }
    for (const end of END_NAMES) {
      const input = { sessionId: `end-1-${i}-p${end}`, problem: i, subProblems: 1, pruning: false, personas: personas[end] };
      add(`personas.${end}`, await measureRetained(llm, input));
    }
  }
  return out;
}

export const meanOf = (list: readonly RetainedContributions[] | undefined, f: (r: RetainedContributions) => number): number =>
  list === undefined || list.length === 0 ? Number.NaN : list.reduce((a, r) => a + f(r), 0) / list.length;

/** Pruning's reduction of retained bytes summed over the counts, (1 - on / off) x 100. */
export function reductionPct(counts: readonly number[], off: (k: number) => number, on: (k: number) => number): number {
  const totalOff = counts.reduce((a, k) => a + off(k), 0);
  const totalOn = counts.reduce((a, k) => a + on(k), 0);
  return totalOff > 0 ? (1 - totalOn / totalOff) * 100 : Number.NaN;
}
