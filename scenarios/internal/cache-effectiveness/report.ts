import { checkClaim, constantRange } from '../../../harness/audit/index.js';
import type { Recorder } from '../../../harness/metrics/index.js';
import type { Priority } from '../../../harness/result/index.js';
import type { ScenarioReport } from '../../../harness/scenario/index.js';
import { STATEMENTS, type System } from './system.js';

/** What one engine's deliberations cost, summed over the phase (same users and problems on both engines). */
export interface DeliberationTotals {
  sessions: number;
  completed: number;
  /** Completions the mock provider answered (HTTP requests on the wire). */
  llmCalls: number;
  embeddingRequests: number;
  /** Sum of the sessions' in-state cost (sessions.total_cost): a cached answer costs 0. */
  costUsd: number;
  /** user_context.get statements of the phase (the sessions' context collection). */
  userContextQueries: number;
}

const READS_PER_TTL = 'aggregation.reads_per_ttl';
const sum = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const pct = (saved: number, of: number): number => (of > 0 ? (saved / of) * 100 : 0);
const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1));

function priorityOf(msPer1000: number): Priority {
  if (msPer1000 >= 10_000) return 'P0';
  if (msPer1000 >= 1_000) return 'P1';
  if (msPer1000 >= 100) return 'P2';
  return 'P3';
}

const RECOMMENDATION: Record<keyof typeof STATEMENTS, string> = {
  aggregation: 'Keep the aggregation cache (invalidate on flush); it pays only for sessions viewed repeatedly within its 60 s TTL.',
  metadata: "Read listed sessions' live fields from Redis metadata before PostgreSQL (or batch them: the optimized listing needs neither).",
  userContext: 'Keep the user-context read-through cache (300 s, invalidated on save).',
};

/** The dashboard mix: statements saved per cache, hit rates, C17 and C18. */
export function reportCaches(off: System, on: System, requests: number, recorder: Recorder, report: ScenarioReport, method: string): void {
  const totalOff = sum(off.counts);
  const totalOn = sum(on.counts);
  recorder.set('cache.db_queries.off', totalOff, 'count');
  recorder.set('cache.db_queries.on', totalOn, 'count');
  recorder.set('cache.requests', requests, 'count');
  recorder.set('cache.db_queries_saved_pct', pct(totalOff - totalOn, totalOff), 'percent');
  const per = (s: System, k: string): number => s.counts.get(k) ?? 0;
  const savedPct: Record<keyof typeof STATEMENTS, number> = { metadata: 0, aggregation: 0, userContext: 0 };
  for (const [key, stmt] of Object.entries(STATEMENTS) as [keyof typeof STATEMENTS, string][]) {
    const a = per(off, stmt);
    const b = per(on, stmt);
    savedPct[key] = pct(a - b, a);
    recorder.set(`cache.${key}.queries_saved_pct`, savedPct[key], 'percent');
    recorder.set(`cache.${key}.share_of_all_queries_saved_pct`, pct(a - b, totalOff), 'percent');
    const msSaved = requests > 0 ? (((off.timeMs.get(stmt) ?? 0) - (on.timeMs.get(stmt) ?? 0)) / requests) * 1000 : 0;
    report.findings.push({
      id: `cache-effectiveness.${key}`,
      priority: priorityOf(msSaved),
      title: `${key} cache: ${fmt(savedPct[key])}% of its queries saved (${fmt(pct(a - b, totalOff))}% of all DB queries of the mix)`,
      evidence: [
        { kind: 'measurement', ref: `cache.${key}.queries_saved_pct` },
        { kind: 'comparison', ref: 'DB queries per request' },
      ],
      measuredImpact: {
        summary: `${a - b} of ${a} ${stmt} statements avoided over ${requests} HTTP requests; ${fmt(msSaved)} ms of database time saved per 1,000 requests`,
        metric: 'DB time saved per 1,000 requests',
        value: msSaved,
        unit: 'ms',
        score: msSaved,
      },
      recommendation: RECOMMENDATION[key],
      auditRef: key === 'aggregation' ? '§3.2 gap 2; §7 P2.8' : key === 'metadata' ? '§3.2 gap 1; §7 P2.6' : '§3.1',
    });
  }
  for (const [name, c] of Object.entries(on.engine.caches.counters())) {
    const n = c.hits + c.misses;
    recorder.ratio(`cache.${name}.hit_rate`, {
      value: n > 0 ? c.hits / n : 0,
      unit: 'ratio',
      definition: `hits / (hits + misses) over ${n} lookups by the engine (mix and deliberations)`,
    });
    recorder.set(`cache.${name}.lookups`, n, 'count');
  }
  report.comparisons.push({
    name: 'DB queries per request',
    metric: 'queries/request',
    unit: 'count',
    better: 'lower',
    before: { variant: 'caches-off', value: totalOff / Math.max(1, requests) },
    after: { variant: 'caches-on', value: totalOn / Math.max(1, requests) },
    ratio: totalOff / Math.max(1, totalOn),
  });
  const meta = pct(per(off, STATEMENTS.metadata) - per(on, STATEMENTS.metadata), totalOff);
  report.claims.push(
    checkClaim('C17', meta, {
      summary: `metadata cache removed ${fmt(meta)}% of all DB queries of the dashboard mix over the engine's HTTP API (${fmt(savedPct.metadata)}% of metadata reads; ${per(off, STATEMENTS.metadata)} → ${per(on, STATEMENTS.metadata)} of ${totalOff} statements)`,
      method,
    }),
  );
  // C18 at the ends of reads per TTL: one read per TTL window reaches PostgreSQL, the rest are hits,
  // so (1 - 1/reads) of the reads are saved. The run's own value: reads over the reads that missed.
  const aggOff = per(off, STATEMENTS.aggregation);
  const aggOn = per(on, STATEMENTS.aggregation);
  const readsEnds = constantRange('C18', READS_PER_TTL);
  const savedAt = (reads: number): number => (1 - 1 / reads) * 100;
  report.claims.push(
    checkClaim('C18', savedPct.aggregation, {
      summary:
        `get_session_costs statements ${aggOff} → ${aggOn} (${fmt(savedPct.aggregation)}% saved) with the engine's 60 s aggregation cache: ` +
        `${aggOn > 0 ? (aggOff / aggOn).toFixed(1) : 'n/a'} reads per cached window in this mix. At ${readsEnds.low} and ${readsEnds.high} reads per TTL: ` +
        `${fmt(savedAt(readsEnds.low))}% and ${fmt(savedAt(readsEnds.high))}% saved.`,
      method: `${method} Constant ends, modelled: one read per TTL window misses and the others hit, (1 - 1/reads) x 100 % saved.`,
      constants: {
        [READS_PER_TTL]: {
          value: aggOn > 0 ? aggOff / aggOn : null,
          measuredLow: savedAt(readsEnds.low),
          measuredHigh: savedAt(readsEnds.high),
        },
      },
    }),
  );
}

/** The deliberations: provider calls and cost the LLM response and persona caches avoided, user-context reads saved. */
export function reportDeliberations(off: DeliberationTotals, on: DeliberationTotals, recorder: Recorder, report: ScenarioReport): void {
  recorder.set('cache.deliberation.sessions', on.sessions, 'count');
  recorder.set('cache.deliberation.llm_calls.off', off.llmCalls, 'count');
  recorder.set('cache.deliberation.llm_calls.on', on.llmCalls, 'count');
  const callsSaved = pct(off.llmCalls - on.llmCalls, off.llmCalls);
  recorder.set('cache.deliberation.llm_calls_saved_pct', callsSaved, 'percent');
  recorder.set('cache.deliberation.embedding_requests.off', off.embeddingRequests, 'count');
  recorder.set('cache.deliberation.embedding_requests.on', on.embeddingRequests, 'count');
  recorder.set('cache.deliberation.user_context_queries.off', off.userContextQueries, 'count');
  recorder.set('cache.deliberation.user_context_queries.on', on.userContextQueries, 'count');
  const savedUsd = off.costUsd - on.costUsd;
  recorder.set('cache.llm_and_persona.saved_usd', savedUsd, 'usd');
  report.comparisons.push({
    name: 'LLM calls per deliberation',
    metric: 'calls/session',
    unit: 'count',
    better: 'lower',
    before: { variant: 'caches-off', value: off.llmCalls / Math.max(1, off.sessions) },
    after: { variant: 'caches-on', value: on.llmCalls / Math.max(1, on.sessions) },
    ratio: off.llmCalls / Math.max(1, on.llmCalls),
  });
  report.findings.push({
    id: 'cache-effectiveness.llm-and-persona',
    priority: callsSaved >= 20 ? 'P2' : 'P3',
    title: `LLM response + persona caches (off in bo1): ${fmt(callsSaved)}% of the deliberations' LLM calls avoided, $${savedUsd.toFixed(4)} over ${on.sessions} sessions`,
    evidence: [
      { kind: 'measurement', ref: 'cache.deliberation.llm_calls_saved_pct' },
      { kind: 'comparison', ref: 'LLM calls per deliberation' },
    ],
    measuredImpact: {
      summary: `${off.llmCalls} → ${on.llmCalls} provider calls and ${off.embeddingRequests} → ${on.embeddingRequests} embedding requests (the persona cache embeds each goal) over ${on.sessions} sessions of repeated problems; in-state cost $${off.costUsd.toFixed(4)} → $${on.costUsd.toFixed(4)}`,
      metric: 'LLM calls saved',
      value: callsSaved,
      unit: 'percent',
      score: callsSaved,
    },
    recommendation:
      'Worth it only where problems repeat verbatim, and then it replays sampled answers (persona calls run at temperature 0.7): a repeated problem gets the same debate. If enabled, limit the response cache to deterministic calls (temperature 0).',
    auditRef: '§3.1',
  });
}
