import type { Finding } from '../../../harness/result/index.js';
import { fmtMs } from '../llm-mock/index.js';
import { firstBinding, isLlmLimit, LIMIT_LABELS, LIMIT_NAMES } from './limits.js';
import type { LevelLimits } from './sweep.js';

type NewFinding = Omit<Finding, 'scenario' | 'rank'>;

export interface VariantSweep {
  variant: string;
  levels: LevelLimits[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const usd = (x: number | null) => (x === null ? 'n/a' : `$${x.toFixed(4)}`);

/** One line per level: what was hit, how hard, and what the level sustained. */
export function levelLine(l: LevelLimits, timeScale: number): string {
  const hits = LIMIT_NAMES.filter((n) => l.scores[n] > 0).map((n) => `${LIMIT_LABELS[n]} ${pct(l.scores[n])}`);
  const p50 =
    l.run.durations.length === 0
      ? 'n/a'
      : fmtMs([...l.run.durations].sort((a, b) => a - b)[Math.floor(l.run.durations.length / 2)]! / timeScale);
  return (
    `${l.concurrency}: binding ${l.binding === null ? 'none' : LIMIT_LABELS[l.binding]}` +
    `${hits.length > 0 ? ` (${hits.join(', ')})` : ''}, ${l.completed} completed / ${l.failed} failed (${l.run.failedRateLimited} on 429s), ` +
    `${l.sessionsPerS.toFixed(4)} sessions/s, session p50 ${p50}, 429s/session ${l.rateLimitedPerSession.toFixed(2)}, retries/session ${l.retriesPerSession.toFixed(2)}, ` +
    `cost/completed session ${usd(l.costPerCompletedUsd)}, peak waiting starts ${l.run.peakWaitingStarts}, peak pool waiters ${l.run.peakPoolWaiting}`
  );
}

/** Highest sustained throughput over the sweep: the level a deployment at this preset can plan on. */
export function sustained(levels: readonly LevelLimits[]): LevelLimits | undefined {
  return [...levels].sort((a, b) => b.sessionsPerS - a.sessionsPerS)[0];
}

/** The finding naming the limit that binds first for one variant, with the figures behind it. */
export function bindingFinding(
  sweep: VariantSweep,
  input: { rateLimits: string; timeScale: number; cap: number; poolMax: number },
): NewFinding {
  const first = firstBinding(sweep.levels);
  const best = sustained(sweep.levels);
  const perDay = best === undefined ? 0 : best.sessionsPerS * 86_400;
  const started = sweep.levels.reduce((a, l) => a + l.completed + l.failed, 0);
  const failedOn429 = sweep.levels.reduce((a, l) => a + l.run.failedRateLimited, 0);
  const at = first === null ? undefined : sweep.levels.find((l) => l.concurrency === first.concurrency);
  const title =
    first === null
      ? `${sweep.variant}: no limit binds up to ${sweep.levels[sweep.levels.length - 1]?.concurrency ?? '?'} concurrent sessions under rate limits ${input.rateLimits}`
      : `${sweep.variant}: ${LIMIT_LABELS[first.limit]} binds first, at ${first.concurrency} concurrent sessions, under rate limits ${input.rateLimits}`;
  const recommendation =
    first === null
      ? `No limit was hit in this sweep; raise the levels (or the preset's load) to find one before planning on it.`
      : isLlmLimit(first.limit)
        ? `The provider's ${LIMIT_LABELS[first.limit]} limit binds before the session cap (${input.cap}) and the DB pool (${input.poolMax}): plan sessions/day from it, not from cap / session duration; a higher usage tier or fewer/shorter ${first.limit === 'llm_output_tokens_per_min' ? 'outputs (max_tokens is charged on admission)' : 'calls'} moves it, a larger session cap does not.`
        : `${LIMIT_LABELS[first.limit]} binds before the LLM limits of ${input.rateLimits}: raise it before anything else.`;
  return {
    id: `capacity.binding.${sweep.variant}`,
    priority: first !== null && isLlmLimit(first.limit) ? 'P1' : 'P2',
    title,
    evidence: [{ kind: 'measurement', ref: `capacity.${sweep.variant}.binding_limit_level` }],
    measuredImpact: {
      summary:
        `${at === undefined ? '' : `first bound at ${levelLine(at, input.timeScale)}. `}` +
        `${failedOn429} of ${started} sessions failed because a call ran out of the SDK's retries on 429s. ` +
        `Sustained ${best === undefined ? 'n/a' : `${best.sessionsPerS.toFixed(4)} sessions/s (${Math.round(perDay).toLocaleString('en-US')} sessions/day) at ${best.concurrency} concurrent`}. ` +
        `Per level: ${sweep.levels.map((l) => levelLine(l, input.timeScale)).join('; ')}`,
      metric: `capacity.${sweep.variant}.sustained_sessions_per_day`,
      value: perDay,
      unit: 'sessions/day',
      score: 0,
    },
    recommendation,
    auditRef: '§6.1; §6.2',
  };
}
