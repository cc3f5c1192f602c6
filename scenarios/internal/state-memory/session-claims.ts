import { checkClaim, constantRange } from '../../../harness/audit/index.js';
import type { Claim, Spread } from '../../../harness/result/index.js';
import type { ContributionHeapSample } from './contribution-heap.js';
import type { RetainedContributions } from './retained.js';

/** The audit's session for C43/C44: 5 sub-problems, and 50 of them at once (the session cap). */
export const SESSION_SUB_PROBLEMS = 5;
export const AUDIT_SESSIONS = 50;
const BYTES = 'contribution.bytes';
const ROUNDS = 'deliberation.rounds';
// Decimal, as the audit's figures (75 KB = 75,000 B) and the report's interval column.
const KB = 1_000;
const MB = 1_000_000;

export interface SessionSamples {
  /** One 5-sub-problem deliberation per problem, pruning off, at the engine's own rounds... */
  own: RetainedContributions[];
  /** ...and the same deliberations with the executed rounds forced to the rounds constant's ends. */
  low: readonly RetainedContributions[];
  high: readonly RetainedContributions[];
  /**
   * What C44 is judged on: the lists of N 5-sub-problem sessions held at once per repeat, or one sample of the
   * deliberations in `own` measured one session at a time (empty: not measured).
   */
  heap: ContributionHeapSample[];
  /** The one-session-at-a-time sample, shown as a cross-check when `heap` is the concurrent one. */
  perSession?: ContributionHeapSample;
  retainedMethod: string;
  heapMethod: string;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0);
const mean = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : sum(xs) / xs.length);
// Callers pass a non-empty list: an empty one is no interval at all.
const spread = (xs: readonly number[]): Spread => ({ method: 'min-max', low: Math.min(...xs), high: Math.max(...xs), n: xs.length });
const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
const kb = (b: number): string => `${(b / KB).toFixed(1)} KB`;
const mb = (b: number): string => `${(b / MB).toFixed(2)} MB`;
const roundsPerSp = (rs: readonly RetainedContributions[]): number =>
  sum(rs.map((r) => r.rounds)) / Math.max(1, sum(rs.map((r) => r.subProblems)));

/**
 * C43 (75 KB of contributions per 5-sub-problem session) and C44 (3.75 MB for 50 such sessions).
 * Both are modelled on contribution.bytes and deliberation.rounds. C43 re-judges bytes as the
 * retained count times each end (the state object's size is the constant), and rounds by re-running
 * the same deliberations at each end. C44 re-judges bytes by resizing every held contribution to the
 * end while keeping its measured heap overhead, and rounds by C43's ratio at that end.
 */
export function sessionClaims(s: SessionSamples): Omit<Claim, 'scenario'>[] {
  const bytesEnds = constantRange('C43', BYTES);
  const roundsEnds = constantRange('C43', ROUNDS);
  const own = s.own;
  const value = mean(own.map((r) => r.retainedBytes));
  const count = mean(own.map((r) => r.retained));
  const perContribution = value / count;
  const atLow = mean(s.low.map((r) => r.retainedBytes));
  const atHigh = mean(s.high.map((r) => r.retainedBytes));
  const peak = mean(own.map((r) => r.peakBytes));
  const c43 = checkClaim('C43', own.length === 0 ? null : value, {
    summary:
      own.length === 0
        ? `not measured: this profile runs no ${SESSION_SUB_PROBLEMS}-sub-problem deliberation`
        : `${kb(value)} of contributions retained per ${SESSION_SUB_PROBLEMS}-sub-problem session without pruning (mean of ${own.length} deliberation(s)): ` +
          `${count.toFixed(1)} contributions of ${perContribution.toFixed(0)} B over ${roundsPerSp(own).toFixed(1)} executed rounds per sub-problem ` +
          `(${(count / SESSION_SUB_PROBLEMS).toFixed(1)} per sub-problem where the audit counts 5 personas x 6 rounds = 30 of 500 B: the engine lets ` +
          `4 personas speak in rounds 1-2 and 3 after). Held at once at the worst step boundary: ${kb(peak)}, since a finished ` +
          `sub-problem drops its list. Re-run at ${roundsEnds.low} and ${roundsEnds.high} forced rounds: ${kb(atLow)} (${roundsPerSp(s.low).toFixed(1)} executed) ` +
          `and ${kb(atHigh)} (${roundsPerSp(s.high).toFixed(1)}); at ${bytesEnds.low} and ${bytesEnds.high} B per contribution: ` +
          `${kb(count * bytesEnds.low)} and ${kb(count * bytesEnds.high)}.`,
    method:
      `${s.retainedMethod} Each deliberation runs ${SESSION_SUB_PROBLEMS} sub-problems in the engine's default parallel mode; for the rounds constant the ` +
      `same deliberations are re-run with max_rounds = rounds + 1 (the engine executes one fewer) and the hard cap raised to match.`,
    constants: {
      [BYTES]: { value: orNull(perContribution), measuredLow: orNull(count * bytesEnds.low), measuredHigh: orNull(count * bytesEnds.high) },
      [ROUNDS]: { value: orNull(roundsPerSp(own)), measuredLow: orNull(atLow), measuredHigh: orNull(atHigh) },
    },
    ...(own.length === 0 ? {} : { interval: spread(own.map((r) => r.retainedBytes)) }),
  });

  // C44: N sessions' lists held at once, scaled to 50 per repeat, or each of the deliberations above x 50.
  const heap = s.heap;
  const totals = heap.flatMap((h) =>
    h.concurrent ? [(h.heapBytes * AUDIT_SESSIONS) / h.sessions] : h.perSessionBytes.map((b) => b * AUDIT_SESSIONS),
  );
  const total = mean(totals);
  const per = (f: (h: ContributionHeapSample) => number): number => mean(heap.map((h) => (f(h) * AUDIT_SESSIONS) / h.sessions));
  // Every held contribution resized to b, its measured heap overhead over its JSON size kept.
  const resized = (b: number): number => per((h) => h.heapBytes - h.jsonBytes + h.contributions * b);
  const first = heap[0];
  const what =
    first === undefined
      ? ''
      : first.concurrent
        ? `the heap held by the contribution lists of ${first.sessions} ${SESSION_SUB_PROBLEMS}-sub-problem sessions without pruning, all held at once (the sessions ran one after another)` +
          (first.sessions === AUDIT_SESSIONS ? '' : `, x ${AUDIT_SESSIONS}/${first.sessions}`) +
          ` (mean of ${heap.length} repeat(s))`
        : `${AUDIT_SESSIONS} x the heap held by the contribution lists of one ${SESSION_SUB_PROBLEMS}-sub-problem session without pruning ` +
          `(mean of the ${first.sessions} deliberation(s) above, each measured alone; not 50 sessions held at once)`;
  const c44 = checkClaim('C44', heap.length === 0 || own.length === 0 ? null : total, {
    summary:
      own.length === 0
        ? `not measured: this profile runs no ${SESSION_SUB_PROBLEMS}-sub-problem deliberation`
        : heap.length === 0
          ? `not measured: ${s.heapMethod}`
          : `${mb(total)} of V8 heap for ${AUDIT_SESSIONS} sessions: ${what}; ${(per((h) => h.contributions) / AUDIT_SESSIONS).toFixed(1)} contributions per session, ` +
            `${mb(per((h) => h.jsonBytes))} for ${AUDIT_SESSIONS} as UTF-8 JSON (heap / JSON ${(per((h) => h.heapBytes) / per((h) => h.jsonBytes)).toFixed(2)}). ` +
            `The audit: 50 x 75 KB. At ${bytesEnds.low} and ${bytesEnds.high} B per contribution: ${mb(resized(bytesEnds.low))} and ` +
            `${mb(resized(bytesEnds.high))}; at ${roundsEnds.low} and ${roundsEnds.high} rounds (scaled by C43's ratio): ${mb((total * atLow) / value)} and ` +
            `${mb((total * atHigh) / value)}.` +
            (s.perSession === undefined || !first?.concurrent
              ? ''
              : ` Cross-check, ${AUDIT_SESSIONS} x one session's lists measured alone: ${mb((s.perSession.heapBytes * AUDIT_SESSIONS) / s.perSession.sessions)}.`),
    method: s.heapMethod,
    constants: {
      [BYTES]: {
        value: orNull(per((h) => h.jsonBytes) / per((h) => h.contributions)),
        measuredLow: orNull(resized(bytesEnds.low)),
        measuredHigh: orNull(resized(bytesEnds.high)),
      },
      [ROUNDS]: {
        value: orNull(mean(heap.map((h) => h.rounds / (h.sessions * h.subProblems)))),
        measuredLow: orNull((total * atLow) / value),
        measuredHigh: orNull((total * atHigh) / value),
      },
    },
    ...(totals.length === 0 ? {} : { interval: spread(totals) }),
  });
  return [c43, c44];
}
