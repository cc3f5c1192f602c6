import { checkClaim } from '../../../harness/audit/index.js';
import type { Recorder } from '../../../harness/metrics/index.js';
import type { Priority } from '../../../harness/result/index.js';
import type { ScenarioReport } from '../../../harness/scenario/index.js';
import { STATEMENTS, type System } from './system.js';

const sum = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const pct = (saved: number, of: number): number => (of > 0 ? (saved / of) * 100 : 0);
const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1));

function priorityOf(msPer1000: number): Priority {
  if (msPer1000 >= 10_000) return 'P0';
  if (msPer1000 >= 1_000) return 'P1';
  if (msPer1000 >= 100) return 'P2';
  return 'P3';
}

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
    const msSaved = ((off.timeMs.get(stmt) ?? 0) - (on.timeMs.get(stmt) ?? 0)) / requests * 1000;
    report.findings.push({
      id: `cache-effectiveness.${key}`, priority: priorityOf(msSaved),
      title: `${key} cache: ${fmt(savedPct[key])}% of its queries saved (${fmt(pct(a - b, totalOff))}% of all DB queries of the mix)`,
      evidence: [{ kind: 'measurement', ref: `cache.${key}.queries_saved_pct` }, { kind: 'comparison', ref: 'DB queries per request' }],
      measuredImpact: { summary: `${a - b} of ${a} ${stmt} statements avoided over ${requests} requests; ${fmt(msSaved)} ms of database time saved per 1,000 requests`, metric: 'DB time saved per 1,000 requests', value: msSaved, unit: 'ms', score: msSaved },
      recommendation: key === 'aggregation' ? 'Keep the aggregation cache (invalidate on flush); it pays only for sessions viewed repeatedly within its 60 s TTL.'
        : key === 'metadata' ? 'Cache session metadata in Redis for the SSE status checks and the listing overlay; write-through on status changes.'
          : 'Keep the user-context read-through cache (300 s, invalidated on save).',
      auditRef: key === 'aggregation' ? '§3.2 gap 2; §7 P2.8' : '§3.2 gap 1; §7 P2.6',
    });
  }
  const counters = on.caches?.counters();
  if (counters !== undefined) {
    for (const [name, c] of Object.entries(counters)) {
      const n = c.hits + c.misses;
      recorder.ratio(`cache.${name}.hit_rate`, { value: n > 0 ? c.hits / n : 0, unit: 'ratio', definition: `hits / (hits + misses) over ${n} lookups` });
      recorder.set(`cache.${name}.lookups`, n, 'count');
    }
  }
  recorder.set('cache.llm_and_persona.saved_usd', on.savedUsd, 'usd');
  report.comparisons.push({
    name: 'DB queries per request', metric: 'queries/request', unit: 'count', better: 'lower',
    before: { variant: 'caches-off', value: totalOff / requests }, after: { variant: 'caches-on', value: totalOn / requests }, ratio: totalOff / Math.max(1, totalOn),
  });
  const meta = pct(per(off, STATEMENTS.metadata) - per(on, STATEMENTS.metadata), totalOff);
  report.claims.push(checkClaim('C17', meta, {
    summary: `metadata cache removed ${fmt(meta)}% of all DB queries of the SSE/dashboard mix (${fmt(savedPct.metadata)}% of metadata reads; ${per(off, STATEMENTS.metadata)} → ${per(on, STATEMENTS.metadata)} of ${totalOff} statements)`,
    method,
  }));
  report.claims.push(checkClaim('C18', savedPct.aggregation, {
    summary: `get_session_costs statements ${per(off, STATEMENTS.aggregation)} → ${per(on, STATEMENTS.aggregation)} (${fmt(savedPct.aggregation)}% saved) with the 60 s aggregation cache`,
    method,
  }));
}
