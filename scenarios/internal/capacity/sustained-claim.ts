import type { Engine } from '../../../engine/index.js';
import { checkClaim, constantRange, type ConstantRun } from '../../../harness/audit/index.js';
import type { Claim } from '../../../harness/result/index.js';
import { isLlmLimit, LIMIT_LABELS } from './limits.js';
import { SEEDED_SUBPROBLEMS, subProblemMix } from './subproblem-draw.js';
import type { LevelLimits } from './sweep.js';

/** The audited sweep as C47 reads it. */
export interface AuditedSweep {
  rateLimits: string;
  levels: readonly LevelLimits[];
  engine: Engine;
}

/** What the constants of C26-C28 and C47 were in the level the figure comes from (real time). */
export interface Observed {
  llmP50S: number | null;
  /** Executed rounds per sub-problem and sub-problems per session, from the sessions' outcomes. */
  rounds: number | null;
  subProblems: number | null;
  drawn: boolean;
}

/** Anthropic call p50 (mock ms / timeScale) in a level's window; rounds and sub-problems from what its sessions ran. */
export async function observe(engine: Engine, l: LevelLimits, timeScale: number): Promise<Observed> {
  const lat = await engine.db.query<{ p50: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)::float8 AS p50 FROM api_costs
      WHERE provider = 'anthropic' AND latency_ms IS NOT NULL AND created_at BETWEEN to_timestamp($1::float8 / 1000) AND to_timestamp($2::float8 / 1000)`,
    [l.run.startEpochMs, l.run.endEpochMs],
    { name: 'capacity.c47.llm_p50' },
  );
  const p50 = lat.rows[0]?.p50 ?? null;
  const mix = subProblemMix(l.run.shapes);
  return { llmP50S: p50 === null ? null : p50 / timeScale / 1_000, rounds: mix.roundsMean, subProblems: mix.mean, drawn: mix.drawn };
}

/**
 * C47: the audited variant's sessions/s at the cap in real time. The figure comes from the highest
 * level of the audited sweep where no provider limit bound (queueing behind the session cap or the
 * pool is the engine's own and counts): measured there if that level is the cap, otherwise Little's
 * law, cap / mean session time at that level, labelled a projection. Model for the constants: an
 * LLM-bound session's time is proportional to call latency x rounds x sub-problems (sub-problems
 * run one after another), so throughput at a constant's end = value x (this run's constant / end).
 * That scales the whole session, decomposition and synthesis included: an upper bound on the sensitivity.
 */
export async function sustainedClaim(
  audited: AuditedSweep,
  input: {
    cap: number;
    timeScale: number;
    method: string;
    optimizedAtCap: string;
    /** The audited sweep under a provider preset, when the figure comes from a separate sweep without one. */
    preset?: AuditedSweep | undefined;
  },
): Promise<Omit<Claim, 'scenario'>> {
  const s = input.timeScale;
  const free = audited.levels.filter((l) => l.completed > 0 && (l.binding === null || !isLlmLimit(l.binding)));
  const at = free[free.length - 1];
  // Every level, with what bound there: where a provider limit binds, the figure is the preset's, not the engine's.
  const perLevel = (w: AuditedSweep) =>
    `audited sweep (rate limits ${w.rateLimits}), sessions/s per level in real time: ` +
    w.levels
      .map(
        (l) =>
          `${l.concurrency}: ${l.sessionsPerS.toFixed(4)}/s (${l.completed} completed, binding ${l.binding === null ? 'none' : LIMIT_LABELS[l.binding]})`,
      )
      .join(', ');
  const presetText = ` The ${perLevel(audited)}.${input.preset === undefined ? '' : ` Beside it, the ${perLevel(input.preset)}.`}`;
  const common =
    ` No API traffic ran beside the sessions (the sweep has none), so "under mixed load" is not measured.${presetText} ` +
    `Optimized variant without provider limits, for comparison: ${input.optimizedAtCap}.`;
  if (at === undefined) {
    return checkClaim('C47', null, {
      summary: `not measured: every level of the audited sweep (rate limits ${audited.rateLimits}) had a provider limit binding or no completed session.${common}`,
      method: input.method,
    });
  }
  const meanS = at.run.durations.reduce((a, b) => a + b, 0) / at.run.durations.length / s / 1_000;
  const measured = at.concurrency >= input.cap;
  const value = measured ? at.sessionsPerS : input.cap / meanS;
  const obs = await observe(audited.engine, at, s);
  const subProblems = obs.subProblems;
  const spText =
    subProblems === null
      ? 'n/a'
      : `${subProblems.toFixed(2)} per session${obs.drawn ? `, drawn ${SEEDED_SUBPROBLEMS.min}-${SEEDED_SUBPROBLEMS.max} as seeded` : ''}`;
  const how = measured
    ? `measured at ${at.concurrency} concurrent sessions (${at.completed} completed)`
    : `PROJECTION by Little's law: cap ${input.cap} / mean session ${meanS.toFixed(1)} s (real) at ${at.concurrency} concurrent sessions, ` +
      `${at.completed} completed, ${at.sessionsPerS.toFixed(4)} sessions/s measured there; not measured at ${input.cap}, and session time growing with load would lower it`;
  return checkClaim('C47', value, {
    summary:
      `${value.toFixed(3)} sessions/s (${Math.round(value * 86_400).toLocaleString('en-US')}/day) for the audited variant at the cap of ${input.cap}, ${how}; ` +
      `binding at that level: ${at.binding === null ? 'none' : LIMIT_LABELS[at.binding]}. ` +
      `Model for the constants: session time proportional to LLM call p50 (${obs.llmP50S === null ? 'n/a' : `${obs.llmP50S.toFixed(1)} s real`}) x rounds ` +
      `(${obs.rounds === null ? 'n/a' : obs.rounds.toFixed(1)} executed per sub-problem) x sub-problems (${spText}), throughput inversely so.${common}`,
    method:
      `${input.method} C47: the audited variant (${audited.rateLimits === 'none' ? 'its own sweep without provider limits' : `its sweep under rate limits ${audited.rateLimits}`}, ` +
      `levels ${audited.levels.map((l) => l.concurrency).join(', ')}), at its highest level with no provider limit binding; LLM p50 from that level's api_costs latencies, rounds and sub-problems from its sessions' outcomes.`,
    constants: sessionTimeEnds('C47', value, obs, 'throughput'),
  });
}

/**
 * The session-time model's constants at their catalogue ends: an LLM-bound session's time is
 * proportional to call latency x rounds x sub-problems, so a duration scales with the constant
 * and a throughput inversely. An upper bound on the sensitivity: it scales the whole session.
 */
export function sessionTimeEnds(
  id: string,
  value: number | null,
  obs: Observed,
  kind: 'throughput' | 'duration',
): Record<string, ConstantRun> {
  const at = (name: string, now: number | null): ConstantRun => {
    if (now === null || value === null || !(now > 0)) return { value: now };
    const { low, high } = constantRange(id, name);
    const f = (end: number): number => (kind === 'duration' ? value * (end / now) : value * (now / end));
    return { value: now, measuredLow: f(low), measuredHigh: f(high) };
  };
  return {
    'llm.latency.p50': at('llm.latency.p50', obs.llmP50S),
    'deliberation.rounds': at('deliberation.rounds', obs.rounds),
    'session.subproblems': at('session.subproblems', obs.subProblems),
  };
}
