import { checkClaim } from '../../../harness/audit/index.js';
import { orderStatisticRanks } from '../../../harness/compare/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../../../harness/errors/index.js';
import type { StatementMode } from '../../../engine/db/index.js';
import type {
  Comparison,
  Finding,
  HistogramSummary,
  LatencyBreakdownRow,
  Measurements,
  Priority,
  Spread,
} from '../../../harness/result/index.js';
import type { ScenarioReport } from '../../../harness/scenario/index.js';
import type { HotQuery, QueryId } from './catalogue.js';
import { AUDITED_MODE, metricName, type RoundP95 } from './measure.js';
import type { CapturedPlan } from './plans.js';

export interface ReportInput {
  queries: readonly HotQuery[];
  measurements: Measurements;
  rounds: RoundP95;
  plans: readonly CapturedPlan[];
  callsPer1000: Record<QueryId, number>;
  method: string;
  breakdown: readonly LatencyBreakdownRow[];
  /** Modes measured besides the audited one (`prepared`, unless `--disable db.statementMode`). */
  otherModes: readonly StatementMode[];
  /** The pooled histogram of a metric (every round), for order-statistic intervals of its p95. */
  quantile?: (metric: string) => { count: number; percentile: (p: number) => number } | undefined;
}

/**
 * 95 % distribution-free interval of a p95 from n pooled samples: the order statistics at ranks
 * n·0.95 ± 1.96·sqrt(n·0.95·0.05) (ranks 183-197 of 200, i.e. p91.5-p98.5).
 */
export function p95Interval(h: { count: number; percentile: (p: number) => number }): { low: number; high: number; n: number } | undefined {
  return quantileInterval(h, 0.95);
}

/**
 * The same for any quantile q, read off the full HDR histogram (compare's quantileInterval reads the
 * coarse 1-2-5 buckets of a stored result, too coarse for a claim's edge).
 */
export function quantileInterval(
  h: { count: number; percentile: (p: number) => number },
  q: number,
): { low: number; high: number; n: number } | undefined {
  const n = h.count;
  if (n < 20) return undefined;
  const { rankLow, rankHigh } = orderStatisticRanks(n, q);
  return { low: h.percentile((100 * rankLow) / n), high: h.percentile((100 * rankHigh) / n), n };
}

// Digits by magnitude, so a negative saving reads like a positive one (-26.5, not -26.46).
const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

function summary(m: Measurements, q: string, v: string, mode?: StatementMode): HistogramSummary {
  const s = m.histograms[metricName(q, v, mode)];
  if (s === undefined) throw new LoadlabError(HARNESS_ERRORS.METRIC_INVALID, `missing measurement ${metricName(q, v, mode)}`);
  return s;
}

interface Side {
  variant: string;
  mode: StatementMode;
}

/** before/after p95 with the min-max of the per-round ratios as its spread. */
function compareSides(input: ReportInput, q: HotQuery, name: string, a: Side, b: Side): Comparison {
  const before = summary(input.measurements, q.id, a.variant, a.mode);
  const after = summary(input.measurements, q.id, b.variant, b.mode);
  const rb = input.rounds.get(metricName(q.id, a.variant, a.mode)) ?? [];
  const ra = input.rounds.get(metricName(q.id, b.variant, b.mode)) ?? [];
  const per = rb.map((x, i) => x / (ra[i] ?? Number.NaN)).filter(Number.isFinite);
  const label = (x: Side): string => (x.mode === AUDITED_MODE ? x.variant : `${x.variant} (${x.mode})`);
  return {
    name,
    metric: 'p95',
    unit: 'ms',
    better: 'lower',
    before: { variant: label(a), value: before.p95, summary: before },
    after: { variant: label(b), value: after.p95, summary: after },
    ratio: before.p95 / after.p95,
    ...(per.length > 0 ? { interval: { method: 'min-max' as const, low: Math.min(...per), high: Math.max(...per), n: per.length } } : {}),
  };
}

/** Time saved per 1,000 API requests of the modelled mix: calls × Δp95 (ms). */
function priorityOf(savedMsPer1000: number): Priority {
  if (savedMsPer1000 >= 10_000) return 'P0';
  if (savedMsPer1000 >= 1_000) return 'P1';
  if (savedMsPer1000 >= 100) return 'P2';
  return 'P3';
}

const RECOMMENDATION: Record<string, { title: string; ref: string; keep: string }> = {
  'task-count': {
    title: 'Denormalise sessions.task_count (drop the LEFT JOIN session_tasks)',
    ref: '§1.1 issue 1; §7 P0.1',
    keep: 'Apply the task-count migration and use the task_count listing shape',
  },
  'sessions-covering': {
    title: 'Covering index sessions (user_id, created_at DESC) INCLUDE (...)',
    ref: '§1.2 missing index 3',
    keep: 'Add the covering index only if the listing stops selecting columns outside it',
  },
  'cte-rewrite': {
    title: 'Rewrite the tag filter as a CTE + JOIN',
    ref: '§1.1 issue 2; §7 P1.4',
    keep: 'The CTE is inlined by PostgreSQL >= 12; keep whichever reads better',
  },
  'action-tags-tag-action': {
    title: 'Index action_tags (tag_id, action_id)',
    ref: '§1.1 issue 2',
    keep: 'Add the (tag_id, action_id) index',
  },
  'session-events-covering': {
    title: 'Covering index session_events (session_id, created_at DESC) INCLUDE (event_type, sequence)',
    ref: '§1.2 missing index 1; §7 P1.3',
    keep: 'The plain (session_id, created_at) index already serves get_events; the INCLUDE adds little',
  },
  'api-costs-covering': {
    title: 'Covering index api_costs (session_id, created_at DESC) INCLUDE (total_cost, cache_hit)',
    ref: '§1.2 missing index 2; §7 P1.3',
    keep: 'The plain (session_id, created_at) index already serves the cost aggregations',
  },
};

function compare(input: ReportInput, q: HotQuery, variant: string, mode: StatementMode = AUDITED_MODE): Comparison {
  const name = mode === AUDITED_MODE ? `${q.id}: baseline vs ${variant}` : `${q.id} (${mode}): baseline vs ${variant}`;
  return compareSides(input, q, name, { variant: 'baseline', mode }, { variant, mode });
}

/** Time a statement spends in each part, for the claims' text: "execution 0.21 -> 0.15 ms, planning 3.1 ms". */
function partsText(input: ReportInput, q: QueryId, before: string, after: string, mode: StatementMode): string {
  const row = (v: string): LatencyBreakdownRow | undefined =>
    input.breakdown.find((r) => r.query === q && r.variant === v && r.mode === mode);
  const a = row(before);
  const b = row(after);
  if (a?.execMeanMs == null || b?.execMeanMs == null) return '';
  const plan = a.planMeanMs == null || b.planMeanMs == null ? '' : `, planning ${fmt(a.planMeanMs)} / ${fmt(b.planMeanMs)} ms`;
  return `execution ${fmt(a.execMeanMs)} → ${fmt(b.execMeanMs)} ms${plan} in ${mode} mode (means, ${a.source})`;
}

export function buildReport(input: ReportInput, report: ScenarioReport): void {
  const { queries } = input;
  report.latencyBreakdown = [...input.breakdown];
  for (const mode of input.otherModes) {
    for (const q of queries) for (const v of q.variants) if (v.id !== 'baseline') report.comparisons.push(compare(input, q, v.id, mode));
  }
  prepared(input, report);
  // Comparisons: every non-baseline variant against the baseline of the same query.
  const byOpt = new Map<string, OptimisationPart[]>();
  for (const q of queries) {
    for (const v of q.variants) {
      if (v.id === 'baseline') continue;
      const c = compare(input, q, v.id);
      report.comparisons.push(c);
      if (v.id === 'all') continue;
      for (const opt of v.applies)
        byOpt.set(opt, [...(byOpt.get(opt) ?? []), { query: q.id, calls: input.callsPer1000[q.id], comparison: c }]);
    }
  }
  for (const [opt, parts] of byOpt) {
    const f = optimisationFinding(opt, parts);
    if (f !== undefined) report.findings.push(f);
  }
  claims(input, report);
}

/** One query's comparison inside a recommendation's finding. */
export interface OptimisationPart {
  query: string;
  /** Calls of the query per 1,000 API requests of the modelled mix. */
  calls: number;
  comparison: Comparison;
}

/** The ratio's per-round range includes 1x: the rounds disagree on whether the variant is faster at all. */
const withinNoise = (c: Comparison): boolean => c.interval !== undefined && c.interval.low <= 1 && c.interval.high >= 1;

/**
 * A recommendation's finding: time saved per 1,000 API requests (calls × Δp95 over its queries).
 * When every query's per-round ratio range includes 1x, the sign of the saving is noise, and the
 * finding says so instead of presenting a gain or a loss.
 */
export function optimisationFinding(opt: string, parts: readonly OptimisationPart[]): Omit<Finding, 'rank' | 'scenario'> | undefined {
  const rec = RECOMMENDATION[opt];
  if (rec === undefined || parts.length === 0) return undefined;
  const saved = parts.reduce((a, x) => a + x.calls * (x.comparison.before.value - x.comparison.after.value), 0);
  const noise = parts.every((x) => withinNoise(x.comparison));
  const text = parts.map(({ query, calls, comparison: c }) => {
    const range = c.interval === undefined ? '' : `, rounds ${fmt(c.interval.low)}-${fmt(c.interval.high)}x`;
    return `${query} p95 ${fmt(c.before.value)} → ${fmt(c.after.value)} ms (${fmt(c.ratio)}x${range}) × ${calls} calls`;
  });
  return {
    id: `query-latency.${opt}`,
    priority: priorityOf(saved),
    title: rec.title,
    evidence: parts.map((x) => ({ kind: 'comparison' as const, ref: x.comparison.name })),
    measuredImpact: {
      summary: noise
        ? `no measurable p95 change at this data size (${fmt(saved)} ms per 1,000 API requests, but every ratio's per-round range includes 1x): ${text.join('; ')}`
        : `${fmt(saved)} ms saved per 1,000 API requests: ${text.join('; ')}`,
      metric: 'p95 time saved per 1,000 requests',
      value: saved,
      unit: 'ms',
      score: saved,
    },
    recommendation: noise
      ? `${rec.keep}. No p95 change measurable at this size: the rounds disagree on its sign.`
      : saved > 0
        ? `${rec.keep}. Measured gain ${fmt(saved)} ms per 1,000 requests.`
        : `${rec.keep}. No p95 gain measured at this size.`,
    auditRef: rec.ref,
  };
}

function ratio(m: Measurements, q: QueryId, a: string, b: string): number {
  return summary(m, q, a).p95 / summary(m, q, b).p95;
}

function claims(input: ReportInput, report: ScenarioReport): void {
  const m = input.measurements;
  const plan = (q: string, v: string): CapturedPlan | undefined => input.plans.find((p) => p.query === q && p.variant === v);
  const p95 = (q: QueryId, v: string): number => summary(m, q, v).p95;
  const method = input.method;
  const push = (id: string, value: number | null, s: string, interval?: Spread): void => {
    report.claims.push(checkClaim(id, value, { summary: s, method, ...(interval === undefined ? {} : { interval }) }));
  };
  // Each round interleaves every variant, so a round's p95 (and a ratio of two variants' p95s in
  // the same round) is one repeat; a claim is confirmed or refuted only when every round agrees.
  const perRound = (q: QueryId, v: string): number[] => input.rounds.get(metricName(q, v)) ?? [];
  const spread = (xs: readonly number[]): Spread | undefined => {
    const f = xs.filter(Number.isFinite);
    return f.length < 2 ? undefined : { method: 'min-max', low: Math.min(...f), high: Math.max(...f), n: f.length };
  };
  const ratios = (q: QueryId, a: string, b: string): number[] => {
    const rb = perRound(q, b);
    return perRound(q, a).map((x, i) => x / (rb[i] ?? Number.NaN));
  };
  // A claim's interval: the 95 % order-statistic interval of the pooled p95 (of a ratio: the
  // numerator's low end over the denominator's high end, and the reverse), widened to the min-max of
  // the per-round figures when those spread further. Per-round p95s of 50 executions alone moved a
  // claim at its edge from one ci audit to the next (C04 confirmed, then inconclusive, 2026-12-07).
  const pooled = (q: QueryId, v: string): { low: number; high: number; n: number } | undefined => {
    const h = input.quantile?.(metricName(q, v));
    return h === undefined ? undefined : p95Interval(h);
  };
  const widened = (os: { low: number; high: number; n: number } | undefined, rounds: Spread | undefined): Spread | undefined => {
    if (os === undefined) return rounds;
    return {
      method: 'order-statistic',
      low: Math.min(os.low, rounds?.low ?? os.low),
      high: Math.max(os.high, rounds?.high ?? os.high),
      confidence: 0.95,
      n: os.n,
    };
  };
  // The best of several ratios lies between the largest low end and the largest high end.
  const bestSpread = (xs: readonly (Spread | undefined)[], rounds: Spread | undefined): Spread | undefined => {
    const known = xs.filter((x): x is Spread => x !== undefined && x.method === 'order-statistic');
    if (known.length !== xs.length) return rounds;
    const os = {
      low: Math.max(...known.map((x) => x.low)),
      high: Math.max(...known.map((x) => x.high)),
      n: Math.min(...known.map((x) => x.n)),
    };
    return widened(os, rounds);
  };
  const p95Spread = (q: QueryId, v: string): Spread | undefined => widened(pooled(q, v), spread(perRound(q, v)));
  const ratioSpread = (q: QueryId, a: string, b: string): Spread | undefined => {
    const x = pooled(q, a);
    const y = pooled(q, b);
    const os = x === undefined || y === undefined ? undefined : { low: x.low / y.high, high: x.high / y.low, n: Math.min(x.n, y.n) };
    return widened(os, spread(ratios(q, a, b)));
  };

  // Judged in the audited mode (simple queries, re-planned each call); the parts and the prepared
  // mode are written beside, so "the index did not help" cannot hide "planning dwarfs execution".
  const beside = (q: QueryId, v: string): string => {
    const parts = [partsText(input, q, 'baseline', v, AUDITED_MODE)];
    for (const mode of input.otherModes) {
      const a = m.histograms[metricName(q, 'baseline', mode)];
      const b = m.histograms[metricName(q, v, mode)];
      if (a !== undefined && b !== undefined)
        parts.push(`${mode}: p95 ${fmt(a.p95)} → ${fmt(b.p95)} ms (${fmt(a.p95 / b.p95)}x); ${partsText(input, q, 'baseline', v, mode)}`);
    }
    const text = parts.filter((x) => x !== '').join('; ');
    return text === '' ? '' : `. ${text}`;
  };
  // C02 on the medians: the listing is sub-millisecond, where p95 is scheduling noise (see claims.ts).
  const p50 = (q: QueryId, v: string): number => summary(m, q, v).p50;
  const c02 = p50('list_sessions', 'baseline') / p50('list_sessions', 'task-count');
  const medianOf = (v: string) => {
    const h = input.quantile?.(metricName('list_sessions', v));
    return h === undefined ? undefined : quantileInterval(h, 0.5);
  };
  const [mb, mt] = [medianOf('baseline'), medianOf('task-count')];
  push(
    'C02',
    c02,
    `listing p50 ${fmt(p50('list_sessions', 'baseline'))} ms (LEFT JOIN) vs ${fmt(p50('list_sessions', 'task-count'))} ms (task_count): ${fmt(c02)}x; ` +
      `p95 ${fmt(p95('list_sessions', 'baseline'))} vs ${fmt(p95('list_sessions', 'task-count'))} ms (${fmt(ratio(m, 'list_sessions', 'baseline', 'task-count'))}x)${beside('list_sessions', 'task-count')}`,
    mb === undefined || mt === undefined
      ? undefined
      : { method: 'order-statistic', low: mb.low / mt.high, high: mb.high / mt.low, confidence: 0.95, n: Math.min(mb.n, mt.n) },
  );
  const tagsAudited = ([1, 2, 3] as const).map((n) => `${n} tag(s) ${fmt(p95(`actions_tags_${n}`, 'baseline'))} ms`).join(', ');
  push(
    'C03',
    p95('actions_tags_2', 'baseline'),
    `audited IN-subquery p95 with 2 tags ${fmt(p95('actions_tags_2', 'baseline'))} ms (${tagsAudited})`,
    p95Spread('actions_tags_2', 'baseline'),
  );
  const tagsAll = ([1, 2, 3] as const).map((n) => `${n} tag(s) ${fmt(p95(`actions_tags_${n}`, 'all'))} ms`).join(', ');
  push(
    'C04',
    p95('actions_tags_2', 'all'),
    `CTE + (tag_id, action_id) index p95 with 2 tags ${fmt(p95('actions_tags_2', 'all'))} ms (${tagsAll})`,
    p95Spread('actions_tags_2', 'all'),
  );
  const c05 = ratio(m, 'actions_tags_2', 'baseline', 'all');
  push(
    'C05',
    c05,
    `2-tag filter p95 ratio audited / CTE+index ${fmt(c05)}x (CTE alone ${fmt(ratio(m, 'actions_tags_2', 'baseline', 'cte-rewrite'))}x, index alone ${fmt(ratio(m, 'actions_tags_2', 'baseline', 'action-tags-tag-action'))}x)${beside('actions_tags_2', 'all')}`,
    ratioSpread('actions_tags_2', 'baseline', 'all'),
  );
  const evBase = plan('get_events', 'baseline');
  push(
    'C06',
    evBase === undefined ? null : evBase.facts.seqScanOnData ? 1 : 0,
    evBase === undefined
      ? 'no plan captured'
      : `baseline get_events scans: ${evBase.plan.scanTypes.join(', ')} on ${evBase.plan.partitionsScanned.length} partitions; Seq Scan on a non-empty partition: ${evBase.facts.seqScanOnData ? 'yes' : 'no'}`,
  );
  const c07 = ratio(m, 'get_events', 'baseline', 'session-events-covering');
  push(
    'C07',
    c07,
    `get_events p95 ${fmt(p95('get_events', 'baseline'))} ms → ${fmt(p95('get_events', 'session-events-covering'))} ms: ${fmt(c07)}x${beside('get_events', 'session-events-covering')}`,
    ratioSpread('get_events', 'baseline', 'session-events-covering'),
  );
  const evIdx = plan('get_events', 'session-events-covering');
  push(
    'C08',
    evIdx === undefined ? null : evIdx.facts.indexOnlyOnData ? 1 : 0,
    evIdx === undefined
      ? 'no plan captured'
      : `indexed get_events scans: ${evIdx.plan.scanTypes.join(', ')} via ${evIdx.plan.indexes.slice(0, 3).join(', ')}; index-only on data: ${evIdx.facts.indexOnlyOnData ? 'yes' : 'no'} (the query reads id and data, which no INCLUDE covers)`,
  );
  const c09 = ratio(m, 'get_session_costs', 'baseline', 'api-costs-covering');
  push(
    'C09',
    c09,
    `get_session_costs p95 ${fmt(p95('get_session_costs', 'baseline'))} ms → ${fmt(p95('get_session_costs', 'api-costs-covering'))} ms: ${fmt(c09)}x${beside('get_session_costs', 'api-costs-covering')}`,
    ratioSpread('get_session_costs', 'baseline', 'api-costs-covering'),
  );
  const lsBase = plan('list_sessions', 'baseline');
  push(
    'C10',
    lsBase === undefined ? null : lsBase.facts.sortSteps > 0 ? 1 : 0,
    lsBase === undefined
      ? 'no plan captured'
      : `baseline listing plan: ${lsBase.facts.sortSteps} sort step(s); nodes ${lsBase.plan.nodeTypes.join(', ')} (the baseline already had (user_id, created_at DESC), schema-deviations #8)`,
  );
  const lsIdx = plan('list_sessions', 'sessions-covering');
  push(
    'C11',
    lsIdx === undefined ? null : lsIdx.facts.indexOnlyOnData ? 1 : 0,
    lsIdx === undefined
      ? 'no plan captured'
      : `listing with the covering index: ${lsIdx.plan.scanTypes.join(', ')} via ${lsIdx.plan.indexes.join(', ')}; index-only: ${lsIdx.facts.indexOnlyOnData ? 'yes' : 'no'} (the select list has columns outside the index)`,
  );
  const idx = [
    ['session_events', c07],
    ['api_costs', c09],
    ['sessions', ratio(m, 'list_sessions', 'baseline', 'sessions-covering')],
  ] as const;
  const best = Math.max(...idx.map((x) => x[1]));
  const bestPerRound = [
    ratios('get_events', 'baseline', 'session-events-covering'),
    ratios('get_session_costs', 'baseline', 'api-costs-covering'),
    ratios('list_sessions', 'baseline', 'sessions-covering'),
  ].reduce((acc, xs) => acc.map((x, i) => Math.max(x, xs[i] ?? Number.NaN)));
  push(
    'C12',
    best,
    `p95 ratios: ${idx.map(([t, r]) => `${t} ${fmt(r)}x`).join(', ')}${beside('list_sessions', 'sessions-covering')}`,
    bestSpread(
      [
        ratioSpread('get_events', 'baseline', 'session-events-covering'),
        ratioSpread('get_session_costs', 'baseline', 'api-costs-covering'),
        ratioSpread('list_sessions', 'baseline', 'sessions-covering'),
      ],
      spread(bestPerRound),
    ),
  );
  const mean = summary(m, 'get_events', 'session-events-covering').mean;
  push('C13', mean, `indexed get_events mean ${fmt(mean)} ms over ${summary(m, 'get_events', 'session-events-covering').count} executions`);
}

/**
 * Prepared statements as a recommendation of their own: per query, the `all` variant sent in the
 * audited mode (simple, re-planned every call) vs the same statement prepared.
 */
function prepared(input: ReportInput, report: ScenarioReport): void {
  const mode = input.otherModes.find((x) => x === 'prepared');
  if (mode === undefined) return;
  let saved = 0;
  const parts: string[] = [];
  const refs: string[] = [];
  for (const q of input.queries) {
    const c = compareSides(
      input,
      q,
      `${q.id}: ${AUDITED_MODE} vs ${mode} (all)`,
      { variant: 'all', mode: AUDITED_MODE },
      { variant: 'all', mode },
    );
    report.comparisons.push(c);
    const calls = input.callsPer1000[q.id];
    saved += calls * (c.before.value - c.after.value);
    parts.push(`${q.id} p95 ${fmt(c.before.value)} → ${fmt(c.after.value)} ms (${fmt(c.ratio)}x) × ${calls} calls`);
    refs.push(c.name);
  }
  report.findings.push({
    id: 'query-latency.prepared-statements',
    priority: priorityOf(saved),
    title: 'Send hot queries as prepared statements (plan once per connection) instead of client-interpolated simple queries',
    evidence: refs.map((ref) => ({ kind: 'comparison' as const, ref })),
    measuredImpact: {
      summary: `${fmt(saved)} ms saved per 1,000 API requests: ${parts.join('; ')}`,
      metric: 'p95 time saved per 1,000 requests',
      value: saved,
      unit: 'ms',
      score: saved,
    },
    recommendation: `Use server-side prepared statements (psycopg 3 prepare_threshold, asyncpg, or node-postgres named queries); behind a transaction-mode pooler this needs PgBouncer >= 1.21 with max_prepared_statements. Measured gain ${fmt(saved)} ms per 1,000 requests.`,
    auditRef: '§1.9 (psycopg2 simple queries); not in the audit',
  });
}
