import { checkClaim } from '../../../harness/audit/index.js';
import type { ScenarioContext } from '../../../harness/scenario/index.js';
import type { RedisFailoverParams } from './params.js';
import type { FailoverRun } from './variant.js';

/** Lost and duplicated events and cost records, and sessions that did not complete. */
function lossesOf(run: FailoverRun): { lossy: number; failed: number } {
  const { events, costs } = run;
  return {
    lossy: events.lost.length + events.duplicated.length + costs.lost.length + costs.duplicated.length,
    failed: run.results.filter((r) => r.status !== 'completed').length,
  };
}

function counts(run: FailoverRun): string {
  const { events: e, costs: c } = run;
  const failed = lossesOf(run).failed;
  const dropped =
    run.variant === 'audited' ? ` (the engine dropped ${run.counters.dropped} on ${run.counters.redisFailures} failed Redis steps)` : '';
  return `events ${e.acknowledged} accepted / ${e.lost.length} lost / ${e.duplicated.length} duplicated / ${e.indeterminate.length} indeterminate${dropped}; cost records ${c.acknowledged} / ${c.lost.length} lost / ${c.duplicated.length} duplicated; ${run.results.length - failed}/${run.results.length} sessions completed`;
}

/**
 * C29 is a claim about the audited system: judged on the audited run (1 only if it lost and
 * doubled nothing and every session completed), with the optimized run's figures beside it.
 */
export function judgeC29(ctx: ScenarioContext<RedisFailoverParams>, audited: FailoverRun, optimized: FailoverRun): void {
  const p = ctx.params;
  const a = lossesOf(audited);
  const points = p.killPoints.join(', ');
  const pub = (run: FailoverRun): string =>
    run.kills.map((k) => (k.publishRecoveryMs === null ? 'never' : `${Math.round(k.publishRecoveryMs)} ms`)).join(', ');
  const fallbacks = [...optimized.fleet.views.values()].reduce((s, v) => s + v.fallbacks, 0);
  const timedOut = (run: FailoverRun): string => {
    const t = run.kills.filter((k) => !k.triggered).map((k) => k.point);
    return t.length === 0 ? 'every kill point reached' : `killed on the trigger timeout at ${t.join(', ')}`;
  };
  ctx.report.claims.push(
    checkClaim('C29', a.lossy === 0 && a.failed === 0 ? 1 : 0, {
      summary: `audited: ${audited.kills.length} SIGKILLs (${audited.kills.map((k) => k.point).join(', ')}), ${p.outageMs} ms each: ${counts(audited)}; Redis publishing back ${pub(audited)} after restart. optimized: ${optimized.kills.length} SIGKILLs: ${counts(optimized)}; clients fell back to polling ${fallbacks} times and resumed; Redis publishing back ${pub(optimized)} after restart`,
      method: [
        `Both variants ran under the same kill schedule, ${p.concurrentVariants ? 'at the same time' : 'one after the other'}, each an engine (createEngine) with a database and a redis-server child of its own: that child SIGKILLed at ${points} (each when the engine reached that state, else after ${p.triggerTimeoutMs} ms; audited: ${timedOut(audited)}; optimized: ${timedOut(optimized)}), restarted after ${p.outageMs} ms, ${p.settleMs} ms between kills.`,
        `The audited variant (variant 'audited' with events.dropEventsOnRedisFailure, bo1's publish of audited-system.md §7.1: an event whose Redis step raises is neither streamed nor persisted) ran ${p.auditedSessions} sessions, the optimized variant ${p.sessions}; mock LLM ${p.mockProfile} at timeScale ${p.timeScale}.`,
        'Oracle: every event accepted by the EventPublisher (publish() returned) and every record accepted by the CostTracker recorded in a history and checked against the session_events / api_costs rows (Jepsen-style: lost, duplicated, indeterminate); the expected row counts compared with a direct count(*).',
        "Value 1 only if the audited run lost and duplicated nothing and every audited session completed; the optimized run's figures are beside it and budgeted (failover.*).",
      ].join(' '),
    }),
  );
}
