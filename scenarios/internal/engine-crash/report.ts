import { historyCounters, type HistoryCheck } from '../../../harness/load/index.js';
import type { ScenarioContext } from '../../../harness/scenario/index.js';
import { expectedRows } from './oracle.js';
import type { EngineCrashParams, VariantRun } from './variant.js';

type Ctx = ScenarioContext<EngineCrashParams>;

/** What the oracle concluded for one variant; the counters are named `crash.<variant>.…`. */
export interface VariantVerdict {
  events: HistoryCheck;
  costs: HistoryCheck;
  lostCostUsd: number;
  sessions: { total: number; completed: number; resumed: number; failed: number };
}

/** Records one variant's counters and histograms and returns what the findings need. */
export function recordVariant(ctx: Ctx, run: VariantRun): VariantVerdict {
  const rec = ctx.recorder;
  const v = `crash.${run.variant}`;
  const { events, costs } = run.oracle.check(run.stored);
  for (const [name, c] of Object.entries({ ...historyCounters(`${v}.events`, events), ...historyCounters(`${v}.costs`, costs) }))
    rec.set(name, c.value, c.unit);
  rec.set(`${v}.events.reissued`, run.oracle.reissued, 'count');
  rec.set(`${v}.events.reusedIndeterminate`, run.oracle.reusedIndeterminate, 'count');
  // The oracle's own account of the store against a direct count(*): any difference means the
  // histories missed something the engine wrote (or counted something it never did).
  const evExpected = expectedRows(events);
  const coExpected = expectedRows(costs);
  rec.set(`${v}.events.storedPerOracle`, evExpected, 'count');
  rec.set(`${v}.events.storedPerSql`, run.stored.eventCount, 'count');
  rec.set(`${v}.costs.storedPerOracle`, coExpected, 'count');
  rec.set(`${v}.costs.storedPerSql`, run.stored.costCount, 'count');
  rec.set(`${v}.oracle.sqlMismatch`, Math.abs(evExpected - run.stored.eventCount) + Math.abs(coExpected - run.stored.costCount), 'count');

  const statuses = [...run.statuses.values()];
  const resumed = run.sessionIds.filter((id) => run.oracle.resumed.has(id)).length;
  const completed = statuses.filter((s) => s === 'completed').length;
  const sessions = { total: run.sessionIds.length, completed, resumed, failed: run.sessionIds.length - completed };
  rec.set(`${v}.sessions.total`, sessions.total, 'count');
  rec.set(`${v}.sessions.completed`, sessions.completed, 'count');
  rec.set(`${v}.sessions.resumed`, sessions.resumed, 'count');
  // Ended other than completed, or still running at the end: neither finished nor carried on.
  rec.set(`${v}.sessions.failed`, sessions.failed, 'count');

  rec.set(`${v}.kills`, run.kills.length, 'count');
  rec.set(`${v}.kills.triggered`, run.kills.filter((k) => k.triggered).length, 'count');
  for (const k of run.kills) {
    rec.record(`${v}.restartToReadyMs`, k.restartToReadyMs);
    // A restart that never produced a resumed event (with orphans to resume) counts as 10 min.
    if (k.orphans > 0) rec.record(`${v}.restartToResumedEventMs`, k.restartToResumedEventMs ?? 600_000);
  }
  const reports = [...run.oracle.resumed.values()].flat();
  rec.set(`${v}.resumes`, reports.length, 'count');
  rec.set(
    `${v}.redone.costRecords`,
    run.kills.reduce((a, k) => a + k.redoneRecords, 0),
    'count',
  );
  rec.set(
    `${v}.redone.costUsd`,
    run.kills.reduce((a, k) => a + k.redoneUsd, 0),
    'usd',
  );
  rec.set(
    `${v}.redone.events`,
    reports.reduce((a, r) => a + r.redone_events, 0),
    'count',
  );
  rec.set(
    `${v}.replayed.events`,
    reports.reduce((a, r) => a + r.replayed_events, 0),
    'count',
  );
  rec.set(
    `${v}.replayed.costRecords`,
    reports.reduce((a, r) => a + r.replayed_cost_records, 0),
    'count',
  );
  const lostCostUsd = run.oracle.usdOf(costs.lost);
  rec.set(`${v}.costs.lostUsd`, lostCostUsd, 'usd');
  return { events, costs, lostCostUsd, sessions };
}

const share = (part: number, whole: number): string => `${whole === 0 ? 0 : ((100 * part) / whole).toFixed(1)}%`;

/**
 * The audited variant's losses are the finding of this scenario (never a failed budget: they are
 * what the audited design does). Anything the optimized variant loses or doubles is data loss
 * (exit 4) as well as a failed budget.
 */
export function reportVerdicts(ctx: Ctx, runs: readonly VariantRun[], verdicts: readonly VariantVerdict[]): void {
  runs.forEach((run, i) => {
    const o = verdicts[i]!;
    const kills = run.kills.map((k) => k.point).join(', ');
    if (run.variant === 'audited') {
      if (o.events.lost.length > 0) {
        ctx.report.findings.push({
          id: 'engine-crash-loses-buffered-events',
          priority: 'P1',
          auditRef: '§7.1; §8.2; §9',
          title: `An engine crash loses the events it had not yet written to PostgreSQL: ${o.events.lost.length} of ${o.events.acknowledged} accepted events (${share(o.events.lost.length, o.events.acknowledged)}) over ${run.kills.length} SIGKILLs`,
          evidence: [
            { kind: 'measurement', ref: 'crash.audited.events.lost' },
            { kind: 'timeline', ref: 'engine-crash' },
          ],
          measuredImpact: {
            summary: `audited variant, SIGKILLed at ${kills}: events were published to Redis (clients saw them) but the batch waiting for session_events died with the process; the resumed session continues after them, so the stored history has holes`,
            metric: 'crash.audited.events.lost',
            value: o.events.lost.length,
            unit: 'count',
            score: (1000 * o.events.lost.length) / Math.max(1, o.events.acknowledged),
          },
          recommendation:
            "On resume, write the session's events found in its Redis history but missing from session_events (the insert is idempotent on session, sequence and time), as the optimized variant does (docs/decisions/006-checkpoints.md).",
        });
      }
      if (o.costs.lost.length > 0) {
        ctx.report.findings.push({
          id: 'engine-crash-loses-buffered-costs',
          priority: 'P1',
          auditRef: '§5.1 hotspot 1; §5.2; §9',
          title: `An engine crash loses the cost records in its in-memory buffer: ${o.costs.lost.length} of ${o.costs.acknowledged} tracked records (${share(o.costs.lost.length, o.costs.acknowledged)}, $${o.lostCostUsd.toFixed(4)} of LLM spend) over ${run.kills.length} SIGKILLs`,
          evidence: [
            { kind: 'measurement', ref: 'crash.audited.costs.lost' },
            { kind: 'measurement', ref: 'crash.audited.costs.lostUsd' },
          ],
          measuredImpact: {
            summary: `audited variant, SIGKILLed at ${kills}: records wait for a batch of 100 or the session's end (no timer flush), so a crash loses up to a whole batch of spend that the provider still bills`,
            metric: 'crash.audited.costs.lost',
            value: o.costs.lost.length,
            unit: 'count',
            score: (1000 * o.costs.lost.length) / Math.max(1, o.costs.acknowledged),
          },
          recommendation:
            'Journal each cost record where it survives the process (a per-session Redis list, one pipelined RPUSH per LLM call) and write the journal to api_costs on resume (idempotent on request_id and created_at), as the optimized variant does.',
        });
      }
    }
    // Losses are the audited design's (its findings above); doubling is a defect in either variant.
    const lossy: string[] = [];
    if (run.variant === 'optimized' && o.events.lost.length > 0)
      lossy.push(`${o.events.lost.length} accepted events missing from session_events (e.g. ${o.events.lost.slice(0, 3).join(', ')})`);
    if (run.variant === 'optimized' && o.costs.lost.length > 0)
      lossy.push(
        `${o.costs.lost.length} tracked cost records missing from api_costs (e.g. ${o.costs.lost
          .slice(0, 3)
          .map((id) => run.oracle.describeCost(id))
          .join(', ')})`,
      );
    if (o.events.duplicated.length > 0) lossy.push(`${o.events.duplicated.length} events stored more than once`);
    if (run.oracle.reissued > 0)
      lossy.push(
        `${run.oracle.reissued} event sequence numbers issued again after an event had been accepted under them: ${run.oracle.reissuedIds.join('; ')}`,
      );
    if (o.costs.duplicated.length > 0) lossy.push(`${o.costs.duplicated.length} cost records stored more than once`);
    for (const l of lossy) ctx.report.dataLoss.push(`engine-crash (${run.variant}): ${l}`);
    if (o.sessions.failed > 0) {
      ctx.report.findings.push({
        id: `engine-crash-sessions-not-finished-${run.variant}`,
        priority: run.variant === 'optimized' ? 'P0' : 'P1',
        auditRef: '§8.2; §9',
        title: `${o.sessions.failed} of ${o.sessions.total} sessions did not complete after engine crashes (${run.variant} variant)`,
        evidence: [{ kind: 'measurement', ref: `crash.${run.variant}.sessions.failed` }],
        measuredImpact: {
          summary: `final statuses: ${[...run.statuses.entries()].map(([id, s]) => `${id.slice(-6)} ${s}${run.errors.has(id) ? ` (${run.errors.get(id)})` : ''}`).join(', ')}`,
          metric: `crash.${run.variant}.sessions.failed`,
          value: o.sessions.failed,
          unit: 'count',
          score: (1000 * o.sessions.failed) / Math.max(1, o.sessions.total),
        },
        recommendation:
          'Checkpoint after every step and resume sessions left running by a dead engine (lease + resume sweep); fall back to PostgreSQL, not process memory, when Redis is down at session start.',
      });
    }
  });
}
