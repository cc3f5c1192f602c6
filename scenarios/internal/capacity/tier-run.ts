import { checkClaim } from '../../../harness/audit/index.js';
import type { ScenarioContext } from '../../../harness/scenario/index.js';
import { runTierPhase, type PhaseRun } from './arrivals.js';
import { notMeasuredFinding, poolerFindings, recordPhase, recordSystem, tierFinding } from './tier-report.js';
import type { TierSystem } from './tier-system.js';
import { judgeTier, TIER_CRITERIA, type TierVerdict } from './tier-verdict.js';
import { TIERS, type TierNumber } from './tiers.js';

/** The offered load of a tier run, per profile (capacity's `tierLoad` param). */
export interface TierLoad {
  /**
   * Peak-hour arrivals over the daily mean: a tier must carry its busiest hour, not its average.
   * 3 = a day's sessions arriving in about eight busy hours; C51's range is 2-10.
   */
  peakHourFactor: number;
  /** Sessions offered per tier (fixed-interval arrivals). */
  sessions: Readonly<Record<TierNumber, number>>;
  /**
   * Mock clock per tier (wall = real x timeScale). Lower tiers have minutes between arrivals, so
   * they need more compression to offer a few sessions in seconds; the engine's own CPU and DB
   * time are not compressed, so the scale stays where they remain a few % of a session.
   */
  timeScale: Readonly<Record<TierNumber, number>>;
  /** Tier 1 also runs at the ends of C51's peak-hour range (x2 and x10) with this many sessions each; 0 skips an end. */
  headroomSessions: { low: number; high: number };
}

/** Tier 1's headroom claim (C51) and the per-tier recommendation claims of §6.2. */
const TIER_CLAIMS: Readonly<Record<TierNumber, string>> = { 1: 'C51', 2: 'C52', 3: 'C53', 4: 'C54' };
/** C51's constant range (harness/audit/claims.ts): the phases that re-judge it. */
const PEAK_FACTOR_ENDS = { low: 2, high: 10 } as const;
const PEAK_FACTOR = 'tier.peak_hour_factor';

export interface TierRunInput {
  tier: TierNumber;
  load: TierLoad;
  problem: string;
  /** Sub-problems per session (0 = from the problem), as the sweep's. */
  subProblems: number;
}

/** Runs one §6.2 tier on its system, records it under capacity.tier.<n>.*, and reports verdict, findings and claims. */
export async function runTier(ctx: ScenarioContext<unknown>, sys: TierSystem, input: TierRunInput): Promise<void> {
  const spec = TIERS[input.tier];
  const s = input.load.timeScale[input.tier];
  const prefix = `capacity.tier.${spec.tier}`;
  const pooler =
    sys.pooler.kind === 'pgbouncer'
      ? `PgBouncer ${sys.pooler.version ?? ''} (${sys.pooler.poolMode} mode, ${sys.pooler.serverPoolSize} server connections) in the path`
      : spec.pooler
        ? `NO pooler (${sys.pooler.reason ?? 'unavailable'})`
        : 'no pooler';
  ctx.progress(`tier ${spec.tier}`, pooler);
  recordSystem(ctx.recorder, prefix, sys);
  const phase = async (factor: number, sessions: number, label: string): Promise<{ run: PhaseRun; verdict: TierVerdict }> => {
    ctx.progress(`tier ${spec.tier}`, `${label}: ${sessions} sessions at ${(spec.sessionsPerDay * factor).toLocaleString('en-US')}/day`);
    const run = await runTierPhase(sys.engine, {
      sessionsPerDay: spec.sessionsPerDay * factor,
      sessions,
      timeScale: s,
      drainRealS: TIER_CRITERIA.sessionP95RealS * 3,
      problem: input.problem,
      userId: `capacity-tier${spec.tier}`,
      signal: ctx.signal,
      ...(sys.pooler.kind === 'pgbouncer' ? { serverProbe: { adminUrl: ctx.infra.postgres.adminUrl, database: sys.databaseName } } : {}),
    });
    return { run, verdict: judgeTier(run, s) };
  };

  const main = await phase(input.load.peakHourFactor, input.load.sessions[input.tier], 'peak hour');
  recordPhase(ctx.recorder, prefix, main.run, main.verdict, s);
  // The scenario's budgets (engine faults, session p50) read the same names in both modes.
  for (const d of main.run.durations) ctx.recorder.record('capacity.session.real_ms', d / s);
  ctx.recorder.count('capacity.sessions.completed', main.run.completed);
  ctx.recorder.count('capacity.sessions.failed', Object.values(main.run.failedBy).reduce((a, b) => a + b, 0) - main.run.failedRateLimited);
  ctx.recorder.count('capacity.sessions.failed_rate_limited', main.run.failedRateLimited);

  const ends: { low?: TierVerdict; high?: TierVerdict } = {};
  if (spec.tier === 1) {
    for (const [end, factor] of [
      ['low', PEAK_FACTOR_ENDS.low],
      ['high', PEAK_FACTOR_ENDS.high],
    ] as const) {
      const n = input.load.headroomSessions[end];
      if (n === 0) continue;
      const r = await phase(factor, n, `headroom x${factor}`);
      recordPhase(ctx.recorder, `${prefix}.headroom.x${factor}`, r.run, r.verdict, s);
      ends[end] = r.verdict;
    }
  }

  const poolerMissing = spec.pooler && sys.pooler.kind !== 'pgbouncer';
  const finding = tierFinding(spec, main.run, main.verdict, { prefix, peakHourFactor: input.load.peakHourFactor, pooler, poolerMissing });
  ctx.report.findings.push(finding);
  const unmeasured = notMeasuredFinding(spec, prefix);
  if (unmeasured !== undefined) ctx.report.findings.push(unmeasured);
  ctx.report.findings.push(...poolerFindings(sys, spec, prefix));

  const method = tierMethod(input, s, pooler);
  ctx.report.method = method;
  const holds = main.verdict.holds ? 1 : 0;
  // Tier 4's claim is that tier 3's single-machine configuration stops being enough: it is confirmed
  // when it does not hold. No verdict without the pooler (not the audit's configuration), nor when
  // it held only because the load stopped before the system filled up (a failure before is still one).
  const unjudged = poolerMissing
    ? (sys.pooler.reason ?? 'no pooler')
    : main.verdict.holds && !main.verdict.steady.reached
      ? main.verdict.steady.text
      : null;
  const value = unjudged !== null ? null : spec.tier === 4 ? 1 - holds : holds;
  // A headroom end that held before steady state is no measurement of that end either.
  const asValue = (v: TierVerdict | undefined): number | null =>
    v === undefined || (v.holds && !v.steady.reached) ? null : spec.tier === 4 ? 1 - (v.holds ? 1 : 0) : v.holds ? 1 : 0;
  // An end that was not run follows from the main phase where load is monotone: a tier that holds
  // at factor x holds at a lower factor, one that fails at x fails at a higher one (inferred, not run).
  const inferred = (end: 'low' | 'high'): number | null =>
    value === null || input.load.peakHourFactor < PEAK_FACTOR_ENDS.low || input.load.peakHourFactor > PEAK_FACTOR_ENDS.high
      ? null
      : end === 'low' && main.verdict.holds
        ? value
        : end === 'high' && !main.verdict.holds
          ? value
          : null;
  const endValue = (end: 'low' | 'high'): number | null => (ends[end] === undefined ? inferred(end) : asValue(ends[end]));
  ctx.report.claims.push(
    checkClaim(TIER_CLAIMS[spec.tier], value, {
      summary:
        `${unjudged === null ? '' : `not judged: ${unjudged}. `}${finding.title}. ${finding.measuredImpact.summary}` +
        (spec.tier === 1
          ? ` At the ends of the peak-hour range: x${PEAK_FACTOR_ENDS.low} ${endText(ends.low)}, x${PEAK_FACTOR_ENDS.high} ${endText(ends.high)}.`
          : ` Peak-hour range x${PEAK_FACTOR_ENDS.low}-x${PEAK_FACTOR_ENDS.high} not run for this tier; ` +
            (main.verdict.holds
              ? `holding at x${input.load.peakHourFactor}, it holds at x${PEAK_FACTOR_ENDS.low} (less load; inferred, not run).`
              : `failing at x${input.load.peakHourFactor}, it fails at x${PEAK_FACTOR_ENDS.high} (more load; inferred, not run).`)),
      method,
      constants: { [PEAK_FACTOR]: { value: input.load.peakHourFactor, measuredLow: endValue('low'), measuredHigh: endValue('high') } },
    }),
  );
  const verdictLine = main.verdict.holds
    ? `HOLDS${main.verdict.steady.reached ? '' : ' before steady state (not judged)'}`
    : `DOES NOT HOLD (${main.verdict.checks
        .filter((c) => !c.ok)
        .map((c) => c.name)
        .join(', ')})`;
  ctx.progress('done', `tier ${spec.tier} ${verdictLine}${poolerMissing ? ' without its pooler' : ''}`);
}

const endText = (v: TierVerdict | undefined): string =>
  v === undefined ? 'not run' : `${v.holds ? 'holds' : 'does not hold'} (${v.steady.text})`;

function tierMethod(input: TierRunInput, s: number, pooler: string): string {
  const { tier, load } = input;
  const spec = TIERS[tier];
  const c = TIER_CRITERIA;
  return (
    `Load tier ${tier} of the audit's §6.2 (${spec.band}) as a runnable configuration: the audited engine (variant audited, statement mode simple) with the tier's settings ` +
    `(session cap ${spec.sessionCap}, DB pool ${spec.poolMax}, optimisations ${spec.optimizations.length === 0 ? 'none' : spec.optimizations.join(', ')}, ${pooler}), ` +
    `the 'realistic' mock LLM under Anthropic's '${spec.rateLimits}' limits (load tier N paired with provider usage tier N), ${input.subProblems === 0 ? 'sub-problems from the problem' : `${input.subProblems} sub-problem(s)`} per session. ` +
    `Open model: ${load.sessions[tier]} whole sessions (create + run to the end) arriving at fixed intervals at ${spec.sessionsPerDay.toLocaleString('en-US')} sessions/day x a peak-hour factor of ${load.peakHourFactor} ` +
    `(${(spec.sessionsPerDay * load.peakHourFactor).toLocaleString('en-US')}/day, one every ${(86_400 / (spec.sessionsPerDay * load.peakHourFactor)).toFixed(1)} s real), compressed by the mock clock (timeScale ${s}: wall = real x ${s}; provider buckets refill on the same clock). ` +
    `Judged only at steady state (peak concurrent sessions >= ${c.steadyStateShare * 100}% of Little's law: arrival rate x session p50). Holds when every check passes: every offered session completed; no session evicted by the cap and starts queued behind the capacity lock in < ${c.waitingStartsShare * 100}% of 20 ms samples; ` +
    `p95 session time <= ${c.sessionP95RealS} s real (the audit's 60-120 s widened by half; nearest rank, the maximum below 20 sessions); DB pool acquire p99 <= ${c.poolAcquireP99Ms} ms wall and no failed statement; no session failed on 429s (retries per session reported). ` +
    `Caveats: the engine's CPU and the database's work are not compressed, so PostgreSQL sees the statements of ${(1 / s).toFixed(0)} real seconds in each wall second: pool waits and server connections are an upper bound on the real tier's, and session times include that unscaled work divided by ${s} (the node CPU per session is printed beside the p95: at most that much, / ${s}, of a session's real time is this artefact). ` +
    (tier === 1
      ? `Tier 1 is also run at the ends of C51's peak-hour range: x${PEAK_FACTOR_ENDS.low} with ${load.headroomSessions.low} and x${PEAK_FACTOR_ENDS.high} with ${load.headroomSessions.high} sessions (0: not run). `
      : '') +
    `Items of the tier this machine cannot run are listed as not measured (finding capacity.tier.${tier}.not-measured).`
  );
}
