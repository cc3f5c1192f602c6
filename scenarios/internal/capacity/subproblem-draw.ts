import { seededRandom } from '../../../engine/random/index.js';
import { STRATEGIC_PROBLEM } from '../llm-mock/index.js';

/**
 * Sub-problems per session as the seeded data has them (seed/internal/plan.ts: `r.int(1, 4)`,
 * uniform on 1..4), so the audited sweep's sessions are shaped like the sessions the audit's
 * tables were about rather than all of one size.
 */
export const SEEDED_SUBPROBLEMS = { min: 1, max: 4 } as const;

export type SubProblemCount = 1 | 2 | 3 | 4;

/**
 * The engine fixes `deliberation.subProblems` per engine; with 0 each session's count follows its
 * problem's heuristic complexity (engine/deliberation/internal/shape.ts: < 20 words -> 1,
 * 20-49 -> 2, 50-99 -> 3, and a strategic keyword adds a step, up to the cap of 4). One problem
 * per count, all the same question as STRATEGIC_PROBLEM, so one engine (one session cap, pool and
 * provider) runs the whole mix. The expert count also follows complexity: the engine that runs
 * these problems fixes it (personasPerSubProblem), so only the sub-problem count varies.
 */
export const PROBLEM_FOR_SUBPROBLEMS: Readonly<Record<SubProblemCount, string>> = {
  1: 'Should we sell our subscription analytics product in Germany and France through a reseller partner next year?',
  2:
    'Our subscription analytics product grows slowly in its home market. Should we start selling in Germany and France ' +
    'next year through a reseller partner or by hiring our own sales team, given a tight budget and rising churn?',
  3: STRATEGIC_PROBLEM.replace('expand into', 'start selling in').replace('What strategy balances', 'Which route balances'),
  4: STRATEGIC_PROBLEM,
};

/**
 * Experts per sub-problem of the sweep whose sessions draw their count. The engine derives both
 * counts from the problem's complexity, and the problems for 1-3 sub-problems would also get 3-4
 * experts: fixed at what STRATEGIC_PROBLEM gives every other sweep (complexity 9: 5), the audit's
 * own example (C30: "5 experts"), so only the sub-problem count varies.
 */
export const DRAWN_EXPERTS = 5;

// Mixed into ctx.seed so this stream differs from the mock's and the other scenarios' draws on the same seed.
const STREAM = 0x5ab1_c0de;

/** Sessions of one sweep, in the order they start: each draws its sub-problem count, then gets its problem. */
export interface ProblemSource {
  next(): { problem: string; subProblems: SubProblemCount };
  /** Every count drawn so far, in order. */
  readonly drawn: readonly SubProblemCount[];
}

/** Deterministic from the seed: the same seed gives the same sequence of counts, uniform on 1..4. */
export function subProblemDraws(seed: number): () => SubProblemCount {
  const rand = seededRandom((seed ^ STREAM) >>> 0);
  const span = SEEDED_SUBPROBLEMS.max - SEEDED_SUBPROBLEMS.min + 1;
  return () => (SEEDED_SUBPROBLEMS.min + Math.floor(rand() * span)) as SubProblemCount;
}

export function drawnProblems(seed: number): ProblemSource {
  const draw = subProblemDraws(seed);
  const drawn: SubProblemCount[] = [];
  return {
    drawn,
    next() {
      const subProblems = draw();
      drawn.push(subProblems);
      return { problem: PROBLEM_FOR_SUBPROBLEMS[subProblems], subProblems };
    },
  };
}

/** What a sweep's completed sessions ran: sub-problems per session and rounds per sub-problem. */
export interface SubProblemMix {
  /** Whether each session's count was drawn (else every session had the same problem and setting). */
  drawn: boolean;
  sessions: number;
  /** Executed sub-problems per completed session (null: none completed). */
  mean: number | null;
  /** Completed sessions by executed sub-problem count. */
  counts: ReadonlyMap<number, number>;
  /** Sessions whose executed count differs from the count drawn for them (the problem did not yield it). */
  mismatched: number;
  /** Executed rounds per sub-problem (null: none completed). */
  roundsMean: number | null;
}

export function subProblemMix(shapes: readonly { drawn: number | null; subProblems: number; rounds: readonly number[] }[]): SubProblemMix {
  const counts = new Map<number, number>();
  for (const s of shapes) counts.set(s.subProblems, (counts.get(s.subProblems) ?? 0) + 1);
  const rounds = shapes.flatMap((s) => s.rounds);
  const mean = (xs: readonly number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    drawn: shapes.some((s) => s.drawn !== null),
    sessions: shapes.length,
    mean: mean(shapes.map((s) => s.subProblems)),
    counts: new Map([...counts].sort((a, b) => a[0] - b[0])),
    mismatched: shapes.filter((s) => s.drawn !== null && s.drawn !== s.subProblems).length,
    roundsMean: mean(rounds),
  };
}

/** "sub-problems drawn 1-4 as seeded: realised mean 2.40 over 5 completed sessions (1: 1, 2: 2, ...)", or the fixed count. */
export function mixText(m: SubProblemMix): string {
  const by = [...m.counts].map(([k, n]) => `${k}: ${n}`).join(', ');
  const mean = m.mean === null ? 'n/a' : m.mean.toFixed(2);
  return m.drawn
    ? `sub-problems drawn ${SEEDED_SUBPROBLEMS.min}-${SEEDED_SUBPROBLEMS.max} per session as seeded (uniform): realised mean ${mean} over ${m.sessions} completed sessions (sessions by count ${by})`
    : `${mean} sub-problem(s) per session, the same for every session (${m.sessions} completed)`;
}
