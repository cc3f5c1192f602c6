import type { PhaseRun } from './arrivals.js';
import { HIT_THRESHOLD } from './limits.js';

/** What "the tier holds" means, as numbers the report prints beside the measurements. */
export const TIER_CRITERIA = {
  /** The audit's own session length (60-120 s, §6.1) widened by half, as capacity's p50 budget. */
  sessionP95RealS: 180,
  /**
   * A start may queue behind the capacity lock in fewer than this share of samples (the
   * binding-limit threshold of limits.ts): below it the queueing is noise, not a queue.
   */
  waitingStartsShare: HIT_THRESHOLD,
  /** Pool acquire wait p99, wall ms: DB work is not scaled by the mock clock, so neither is this bound. */
  poolAcquireP99Ms: 100,
  /**
   * A load that stops before the system fills up proves nothing about holding: the peak of
   * concurrent sessions must reach this share of Little's law (arrival rate x session p50).
   */
  steadyStateShare: 0.9,
} as const;

export interface TierCheck {
  name: 'sessions completed' | 'start queueing' | 'p95 session time' | 'DB pool waits' | 'rate-limit failures';
  ok: boolean;
  text: string;
}

export interface TierVerdict {
  holds: boolean;
  checks: TierCheck[];
  /** Nearest-rank p95 of the completed sessions' real duration, s (the maximum below 20 sessions); null when none completed. */
  sessionP95RealS: number | null;
  /** Little's law (arrival rate x session p50) against the peak of concurrent sessions reached. */
  steady: { expected: number; peak: number; reached: boolean; text: string };
}

/** Nearest-rank percentile of a list (the maximum when the list is too short to have one). */
export function nearestRank(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.ceil(q * s.length)) - 1] ?? null;
}

export function failedCount(run: PhaseRun): number {
  return Object.values(run.failedBy).reduce((a, b) => a + b, 0);
}

/** Judges one phase against TIER_CRITERIA: it holds only when every check passes. */
export function judgeTier(run: PhaseRun, timeScale: number): TierVerdict {
  const c = TIER_CRITERIA;
  const failed = failedCount(run);
  const p95 = nearestRank(run.durations, 0.95);
  const p95S = p95 === null ? null : p95 / timeScale / 1_000;
  const byCode = Object.entries(run.failedBy)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const checks: TierCheck[] = [
    {
      name: 'sessions completed',
      ok: run.completed === run.offered && failed === 0,
      text: `${run.completed} of ${run.offered} offered sessions completed${failed === 0 ? '' : `; ${failed} did not (${byCode})`}`,
    },
    {
      name: 'start queueing',
      ok: run.evicted === 0 && run.waitingStartsShare < c.waitingStartsShare,
      text: `${run.evicted} evicted by the session cap, starts queued behind the capacity lock in ${(run.waitingStartsShare * 100).toFixed(1)}% of samples (bound < ${c.waitingStartsShare * 100}%), peak ${run.peakWaitingStarts} waiting, peak ${run.peakActive} sessions running`,
    },
    {
      name: 'p95 session time',
      ok: p95S !== null && p95S <= c.sessionP95RealS,
      text: `p95 ${p95S === null ? 'n/a' : `${p95S.toFixed(1)} s`} real time over ${run.durations.length} completed session(s)${run.durations.length < 20 ? ' (fewer than 20: the maximum)' : ''} (bound <= ${c.sessionP95RealS} s; node CPU ${run.cpuMsPerSession.toFixed(0)} ms per session, not compressed by the clock, counts as ${(run.cpuMsPerSession / timeScale / 1_000).toFixed(1)} s of it at most)`,
    },
    {
      name: 'DB pool waits',
      ok: run.poolAcquireP99Ms <= c.poolAcquireP99Ms && run.dbErrors === 0,
      text:
        `acquire wait p99 ${run.poolAcquireP99Ms.toFixed(1)} ms wall (bound <= ${c.poolAcquireP99Ms} ms), clients waiting in ${(run.poolWaitingShare * 100).toFixed(1)}% of samples (peak ${run.peakPoolWaiting}), ` +
        `${run.dbErrors} failed statements or acquires; at most ${run.peakPoolClients} pool connections open at once${run.peakServerConnections === null ? '' : `, ${run.peakServerConnections} PostgreSQL backends behind the pooler`}`,
    },
    {
      name: 'rate-limit failures',
      ok: run.failedRateLimited === 0,
      text: `${run.failedRateLimited} session(s) failed on 429s; ${run.llm.rateLimited} attempts got 429, ${run.llm.retries} retries (${run.offered > 0 ? (run.llm.retries / run.offered).toFixed(2) : '0'} per offered session)`,
    },
  ];
  const p50 = nearestRank(run.durations, 0.5);
  const expected = p50 === null ? 0 : (run.sessionsPerDay / 86_400) * (p50 / timeScale / 1_000);
  const reached = run.peakActive >= c.steadyStateShare * expected;
  const steady = {
    expected,
    peak: run.peakActive,
    reached,
    text: `${reached ? 'steady state reached' : 'steady state NOT reached'}: peak ${run.peakActive} concurrent sessions against ${expected.toFixed(1)} by Little's law (${run.sessionsPerDay.toLocaleString('en-US')}/day x session p50; ${c.steadyStateShare * 100}% needed)`,
  };
  return { holds: checks.every((x) => x.ok), checks, sessionP95RealS: p95S, steady };
}
