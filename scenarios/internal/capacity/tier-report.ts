import type { Recorder } from '../../../harness/metrics/index.js';
import type { Finding } from '../../../harness/result/index.js';
import type { PhaseRun } from './arrivals.js';
import type { TierSystem } from './tier-system.js';
import { failedCount, type TierVerdict } from './tier-verdict.js';
import type { TierSpec } from './tiers.js';

type NewFinding = Omit<Finding, 'scenario' | 'rank'>;

/** Every figure of one phase under `capacity.tier.<n>.<key>` (or `.headroom.x<f>.<key>`). */
export function recordPhase(rec: Recorder, prefix: string, run: PhaseRun, verdict: TierVerdict, timeScale: number): void {
  const failed = failedCount(run);
  rec.set(`${prefix}.holds`, verdict.holds ? 1 : 0, 'count');
  rec.set(`${prefix}.steady_state_reached`, verdict.steady.reached ? 1 : 0, 'count');
  rec.set(`${prefix}.little_law_sessions`, verdict.steady.expected, 'count');
  rec.set(`${prefix}.offered_sessions_per_day`, run.sessionsPerDay, 'sessions/day');
  rec.set(`${prefix}.sessions.offered`, run.offered, 'count');
  rec.set(`${prefix}.sessions.completed`, run.completed, 'count');
  rec.set(`${prefix}.sessions.failed`, failed, 'count');
  rec.set(`${prefix}.sessions.failed_rate_limited`, run.failedRateLimited, 'count');
  for (const d of run.durations) rec.record(`${prefix}.session.real_ms`, d / timeScale);
  if (verdict.sessionP95RealS !== null) rec.set(`${prefix}.session_p95_real_s`, verdict.sessionP95RealS, 's');
  rec.set(`${prefix}.evicted`, run.evicted, 'count');
  rec.set(`${prefix}.peak_active_sessions`, run.peakActive, 'count');
  rec.set(`${prefix}.peak_waiting_starts`, run.peakWaitingStarts, 'count');
  rec.set(`${prefix}.waiting_starts_share`, run.waitingStartsShare, 'ratio');
  rec.set(`${prefix}.pool_acquire_p99_ms`, run.poolAcquireP99Ms, 'ms');
  rec.set(`${prefix}.peak_pool_waiting`, run.peakPoolWaiting, 'count');
  rec.set(`${prefix}.peak_pool_clients`, run.peakPoolClients, 'count');
  rec.set(`${prefix}.pool_waiting_share`, run.poolWaitingShare, 'ratio');
  rec.set(`${prefix}.db_errors`, run.dbErrors, 'count');
  rec.set(`${prefix}.rate_limited`, run.llm.rateLimited, 'count');
  rec.set(`${prefix}.retries`, run.llm.retries, 'count');
  rec.set(`${prefix}.retries_per_session`, run.offered > 0 ? run.llm.retries / run.offered : 0, 'ratio');
  rec.set(`${prefix}.arrival_lag_p95_ms`, run.arrivalLagP95Ms, 'ms');
  rec.set(`${prefix}.cpu_percent`, run.cpuPercent, 'percent');
  rec.set(`${prefix}.cpu_ms_per_session`, run.cpuMsPerSession, 'ms');
  if (run.peakServerConnections !== null) rec.set(`${prefix}.peak_server_connections`, run.peakServerConnections, 'count');
}

/** The system-level figures of a tier: pooler, the statement timeout its connections got, pg_stat_statements. */
export function recordSystem(rec: Recorder, prefix: string, sys: TierSystem): void {
  rec.set(`${prefix}.pgbouncer`, sys.pooler.kind === 'pgbouncer' ? 1 : 0, 'count');
  if (sys.pooler.serverPoolSize !== undefined) rec.set(`${prefix}.pgbouncer_pool_size`, sys.pooler.serverPoolSize, 'count');
  rec.set(`${prefix}.statement_timeout_ms`, statementTimeoutMs(sys.statementTimeoutSeen), 'ms');
  rec.set(`${prefix}.pg_stat_statements_available`, sys.pgStatStatementsAvailable ? 1 : 0, 'count');
}

/** `30s`, `30000ms`, `0` (as SHOW prints it) -> ms; NaN when unreadable. */
export function statementTimeoutMs(shown: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h)?$/.exec(shown.trim());
  if (m === null) return Number.NaN;
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return n * (unit === 's' ? 1_000 : unit === 'min' ? 60_000 : unit === 'h' ? 3_600_000 : 1);
}

/** Whether the tier holds at its offered load, with every check and what was (not) applied. */
export function tierFinding(
  spec: TierSpec,
  run: PhaseRun,
  verdict: TierVerdict,
  input: { prefix: string; peakHourFactor: number; pooler: string; poolerMissing: boolean },
): NewFinding {
  const config = input.poolerMissing ? 'its recommended configuration WITHOUT its connection pooler' : 'its recommended configuration';
  const failing = verdict.checks.filter((c) => !c.ok);
  const load = `${run.sessionsPerDay.toLocaleString('en-US')} sessions/day (${spec.sessionsPerDay.toLocaleString('en-US')}/day x peak-hour factor ${input.peakHourFactor})`;
  return {
    id: `capacity.tier.${spec.tier}`,
    priority: verdict.holds ? 'P3' : 'P1',
    title: verdict.holds
      ? `Tier ${spec.tier} (${spec.band}) holds at ${load} with ${config}${verdict.steady.reached ? '' : ' (before reaching steady state: offer more sessions to judge it)'}`
      : `Tier ${spec.tier} (${spec.band}) does not hold at ${load} with ${config}: ${failing.map((c) => c.name).join(', ')}`,
    evidence: [{ kind: 'measurement', ref: `${input.prefix}.holds` }],
    measuredImpact: {
      summary:
        `${verdict.checks.map((c) => `${c.ok ? 'ok' : 'FAILED'} ${c.name}: ${c.text}`).join('; ')}; ${verdict.steady.text}. ` +
        `Configuration: session cap ${spec.sessionCap}, DB pool ${spec.poolMax}, ${input.pooler}, optimisations ${spec.optimizations.length === 0 ? 'none' : spec.optimizations.join(', ')}, provider limits ${spec.rateLimits}. ` +
        `The audit's items: ${spec.items.map((i) => `${i.item} (${i.applied})`).join('; ')}.`,
      metric: `${input.prefix}.holds`,
      value: verdict.holds ? 1 : 0,
      unit: 'count',
      score: 0,
    },
    recommendation: verdict.holds
      ? `Tier ${spec.tier}'s configuration carries its band's upper bound at the peak-hour factor on one machine; plan the next tier's changes from the first check that fails at a higher load, not from the band's edge.`
      : `Fix what failed before relying on tier ${spec.tier}'s configuration: ${failing.map((c) => `${c.name} (${c.text})`).join('; ')}.`,
    auditRef: '§6.2',
  };
}

/** The tier's items this machine cannot run, stated as not measured. */
export function notMeasuredFinding(spec: TierSpec, prefix: string): NewFinding | undefined {
  const missing = spec.items.filter((i) => !i.measured);
  if (missing.length === 0) return undefined;
  return {
    id: `capacity.tier.${spec.tier}.not-measured`,
    priority: 'P3',
    title: `Tier ${spec.tier}: ${missing.length} of the audit's items not measured in this run (${missing.map((i) => i.item).join(', ')})`,
    evidence: [{ kind: 'measurement', ref: `${prefix}.holds` }],
    measuredImpact: {
      summary: missing.map((i) => `${i.item}: ${i.applied}`).join('; '),
      metric: `${prefix}.holds`,
      value: missing.length,
      unit: 'count',
      score: 0,
    },
    recommendation: `Judge these items elsewhere (a multi-server staging environment, or the scenario named beside them); this run's verdict on tier ${spec.tier} covers only what it applied.`,
    auditRef: '§6.2',
  };
}

/** What the pooler changed besides pooling: findings a reader must see before copying tier 3's setup. */
export function poolerFindings(sys: TierSystem, spec: TierSpec, prefix: string): NewFinding[] {
  const out: NewFinding[] = [];
  if (spec.pooler && sys.pooler.kind === 'none') {
    out.push({
      id: `capacity.tier.${spec.tier}.pooler-missing`,
      priority: 'P2',
      title: `Tier ${spec.tier} ran without its connection pooler: ${sys.pooler.reason ?? 'not available'}`,
      evidence: [{ kind: 'measurement', ref: `${prefix}.pgbouncer` }],
      measuredImpact: { summary: sys.pooler.reason ?? '', metric: `${prefix}.pgbouncer`, value: 0, unit: 'count', score: 0 },
      recommendation:
        "Install pgbouncer and run again: without it the tier's verdict is about a pool of 150 straight to PostgreSQL, which is not the audit's tier 3.",
      auditRef: '§6.2',
    });
    return out;
  }
  if (sys.pooler.kind !== 'pgbouncer') return out;
  const timeoutMs = statementTimeoutMs(sys.statementTimeoutSeen);
  if (timeoutMs === 0) {
    out.push({
      id: 'capacity.tier.pgbouncer.statement-timeout',
      priority: 'P1',
      title: "Behind PgBouncer the engine's 30 s statement_timeout is silently dropped",
      evidence: [{ kind: 'measurement', ref: `${prefix}.statement_timeout_ms` }],
      measuredImpact: {
        summary: `SHOW statement_timeout through the engine's pool answered "${sys.statementTimeoutSeen}": node-postgres sends the timeout as a startup parameter, which a transaction-mode pooler cannot apply per client and is configured to ignore (ignore_startup_parameters), so no statement is ever cut off`,
        metric: `${prefix}.statement_timeout_ms`,
        value: timeoutMs,
        unit: 'ms',
        score: 0,
      },
      recommendation:
        'Set the timeout where the pooler cannot drop it: ALTER ROLE … SET statement_timeout (or per database), or SET LOCAL inside each transaction.',
      auditRef: '§6.2; §3 StatementTimeoutConfig',
    });
  }
  if (sys.pooler.tracksPrepared === false) {
    out.push({
      id: 'capacity.tier.pgbouncer.prepared-statements',
      priority: 'P2',
      title: `PgBouncer ${sys.pooler.version ?? '?'} in transaction mode cannot carry named prepared statements: tier 3 runs the simple protocol`,
      evidence: [{ kind: 'measurement', ref: `${prefix}.pgbouncer` }],
      measuredImpact: {
        summary:
          'Before 1.21 PgBouncer does not track protocol-level prepared statements, so a statement prepared on one server connection is missing on the next (harness/infra/pgbouncer.test.ts shows the "prepared statement … does not exist" errors). The tier runs the audited statement mode (simple), which works through it; the optimized variant\'s prepared mode would fail.',
        metric: `${prefix}.pgbouncer`,
        value: 1,
        unit: 'count',
        score: 0,
      },
      recommendation:
        "Pair tier 3's pooler with PgBouncer >= 1.21 (max_prepared_statements > 0) before turning on prepared statements, or keep db.statementMode simple/unnamed behind it.",
      auditRef: '§6.2; §1.9',
    });
  }
  return out;
}
