import { historyCounters } from '../../../harness/load/index.js';
import type { Finding } from '../../../harness/result/index.js';
import type { ScenarioContext } from '../../../harness/scenario/index.js';
import { expectedRows } from '../engine-crash/oracle.js';
import type { RedisFailoverParams } from './params.js';
import { timelineName, type FailoverRun } from './variant.js';

type Ctx = ScenarioContext<RedisFailoverParams>;
type NewFinding = Omit<Finding, 'scenario' | 'rank'>;

const share = (part: number, whole: number): string => `${whole === 0 ? 0 : ((100 * part) / whole).toFixed(1)}%`;

/**
 * The audited variant's figures, under `failover.audited.*`. What it loses, doubles or fails is
 * what the audited design does under a Redis outage: a finding with its evidence (and C29's
 * verdict), never a failed budget or data loss of this harness.
 */
export function recordAudited(ctx: Ctx, run: FailoverRun): void {
  const rec = ctx.recorder;
  const v = 'failover.audited';
  for (const [name, c] of Object.entries({ ...historyCounters(`${v}.events`, run.events), ...historyCounters(`${v}.costs`, run.costs) }))
    rec.set(name, c.value, c.unit);
  // The engine's own account beside the oracle's: drops it counted, Redis steps that failed.
  rec.set(`${v}.events.dropped`, run.counters.dropped, 'count');
  rec.set(`${v}.events.redisFailures`, run.counters.redisFailures, 'count');
  rec.set(`${v}.events.unrecorded`, run.counters.emitted - run.historyEvents, 'count');
  const evExpected = expectedRows(run.events);
  const coExpected = expectedRows(run.costs);
  rec.set(`${v}.events.storedPerOracle`, evExpected, 'count');
  rec.set(`${v}.events.storedPerSql`, run.sql.events, 'count');
  rec.set(`${v}.costs.storedPerOracle`, coExpected, 'count');
  rec.set(`${v}.costs.storedPerSql`, run.sql.costs, 'count');
  // Any difference: the histories missed something the engine wrote, or counted something it never did.
  rec.set(`${v}.oracle.sqlMismatch`, Math.abs(evExpected - run.sql.events) + Math.abs(coExpected - run.sql.costs), 'count');
  const failed = run.results.filter((r) => r.status !== 'completed').length;
  rec.set(`${v}.sessions.total`, run.results.length, 'count');
  rec.set(`${v}.sessions.completed`, run.results.length - failed, 'count');
  rec.set(`${v}.sessions.failed`, failed, 'count');
  rec.set(`${v}.kills`, run.kills.length, 'count');
  rec.set(`${v}.kills.triggered`, run.kills.filter((k) => k.triggered).length, 'count');
  for (const k of run.kills) rec.record(`${v}.recovery.publishMs`, k.publishRecoveryMs ?? 600_000);
  const views = [...run.fleet.views.values()];
  rec.set(
    `${v}.sse.fallbacks`,
    views.reduce((a, x) => a + x.fallbacks, 0),
    'count',
  );
  for (const f of auditedFindings(ctx.params, run, failed)) ctx.report.findings.push(f);
}

function auditedFindings(p: RedisFailoverParams, run: FailoverRun, failed: number): NewFinding[] {
  const out: NewFinding[] = [];
  const schedule = `${run.kills.length} SIGKILLs of Redis (${run.kills.map((k) => k.point).join(', ')}), ${p.outageMs} ms each`;
  const timeline = { kind: 'timeline' as const, ref: timelineName('audited') };
  const { events, costs } = run;
  if (events.lost.length > 0)
    out.push({
      id: 'redis-outage-drops-events-audited',
      priority: 'P1',
      auditRef: '§7.1; §9 scenario 4',
      title: `While Redis is down the audited publisher drops events for good: ${events.lost.length} of ${events.acknowledged} accepted events (${share(events.lost.length, events.acknowledged)}) are missing from session_events after ${schedule}`,
      evidence: [
        { kind: 'measurement', ref: 'failover.audited.events.lost' },
        { kind: 'measurement', ref: 'failover.audited.events.dropped' },
        timeline,
      ],
      measuredImpact: {
        summary: `audited variant (§7.1: history append, publish and the hand-off to persistence in one try block): publish() returned normally for each of these events, so the deliberation carried on; the engine counted ${run.counters.dropped} drops on ${run.counters.redisFailures} failed Redis steps, and the stored histories have holes no replay can fill (e.g. ${events.lost.slice(0, 3).join(', ')})`,
        metric: 'failover.audited.events.lost',
        value: events.lost.length,
        unit: 'count',
        score: (1000 * events.lost.length) / Math.max(1, events.acknowledged),
      },
      recommendation:
        'Hand every event to the PostgreSQL batcher whether or not its Redis step succeeded (PostgreSQL is the system of record, Redis only the fan-out) and let SSE clients fall back to polling PostgreSQL, as the optimized variant does.',
    });
  // Events dropped are the finding above; any other loss or doubling gets one finding each.
  const others = [
    { kind: 'costs', how: 'lost', n: costs.lost.length },
    { kind: 'costs', how: 'duplicated', n: costs.duplicated.length },
    { kind: 'events', how: 'duplicated', n: events.duplicated.length },
  ] as const;
  for (const { kind, how, n } of others) {
    if (n === 0) continue;
    const what = kind === 'costs' ? 'cost records' : 'events';
    const table = kind === 'costs' ? 'api_costs' : 'session_events';
    const where = how === 'lost' ? `missing from ${table}` : `stored more than once in ${table}`;
    out.push({
      id: `redis-outage-${how}-${kind}-audited`,
      priority: 'P1',
      auditRef: '§5.2; §7.1; §9 scenario 4',
      title: `Audited variant: ${n} of ${run[kind].acknowledged} accepted ${what} ${where} after ${schedule}`,
      evidence: [{ kind: 'measurement', ref: `failover.audited.${kind}.${how}` }, timeline],
      measuredImpact: {
        summary: `history oracle of every ${kind === 'costs' ? 'record the CostTracker' : 'event the EventPublisher'} accepted, checked against the ${table} rows of the audited run's database (e.g. ${(how === 'lost' ? run[kind].lost : run[kind].duplicated.map((d) => d.id)).slice(0, 3).join(', ')})`,
        metric: `failover.audited.${kind}.${how}`,
        value: n,
        unit: 'count',
        score: (1000 * n) / Math.max(1, run[kind].acknowledged),
      },
      recommendation:
        how === 'lost'
          ? 'Keep records that could not be written where they survive a Redis restart (the optimized variant shadows the Redis retry list in memory and pushes it again after a restart).'
          : 'Make the write idempotent on its key (session and sequence; request_id) so that a retry after a Redis error cannot store a row twice.',
    });
  }
  if (failed > 0)
    out.push({
      id: 'redis-outage-fails-sessions-audited',
      priority: 'P1',
      auditRef: '§8.3; §9 scenario 4',
      title: `Audited variant: ${failed} of ${run.results.length} sessions did not complete after ${schedule}`,
      evidence: [{ kind: 'measurement', ref: 'failover.audited.sessions.failed' }, timeline],
      measuredImpact: {
        summary: `final statuses: ${run.results.map((r) => (r.status === 'completed' ? r.status : `${r.status} (${r.error.code})`)).join(', ')}`,
        metric: 'failover.audited.sessions.failed',
        value: failed,
        unit: 'count',
        score: (1000 * failed) / Math.max(1, run.results.length),
      },
      recommendation: 'Treat Redis as a cache and fan-out: no step of a running session may depend on it answering.',
    });
  return out;
}
