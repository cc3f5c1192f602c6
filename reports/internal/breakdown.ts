/**
 * The latency breakdown table shared by both human reports: per hot query, variant and statement
 * mode, the client mean split into server planning, server execution and the client/driver rest.
 * Cells are plain text (callers escape); every figure is a stored LatencyBreakdownRow field.
 */
import { minSamplesForPercentile, type LatencyBreakdownRow } from '../../harness/result/index.js';
import { num } from './format.js';
import { enoughSamples, tooFew } from './percentile.js';

export const BREAKDOWN_HEADERS = [
  'Query',
  'Variant',
  'Mode',
  'n',
  'Client p50',
  'Client p95',
  'Client mean',
  '= Planning',
  '+ Execution',
  '+ Client/driver',
  'Plans per call',
  'Source',
  'EXPLAIN planning / execution',
] as const;
export const BREAKDOWN_NUMERIC = [3, 4, 5, 6, 7, 8, 9, 10, 12];

export const BREAKDOWN_NOTE =
  'All figures in ms. Client p50/p95/mean come from loadlab\'s histogram of the statement; planning and execution are server means from pg_stat_statements (track_planning), and client/driver is the client mean minus both (driver, protocol, loopback), so planning + execution + client/driver = client mean. Rows whose source is EXPLAIN use one EXPLAIN ANALYZE instead; "none" means the server split was unavailable. The last column is one EXPLAIN (ANALYZE, SUMMARY) of the same statement, as a cross-check.';

export const BREAKDOWN_HIDDEN_NOTE = `Client percentiles from fewer than 10/(1−q) samples are not shown (p50 needs n ≥ ${num(
  minSamplesForPercentile(0.5),
)}, p95 ≥ ${num(minSamplesForPercentile(0.95))}); the distributions table has the max.`;

const SOURCE: Record<LatencyBreakdownRow['source'], string> = {
  pg_stat_statements: 'pg_stat_statements',
  explain: 'EXPLAIN',
  none: 'none',
};

const ms = (v: number | null): string => (v === null ? 'n/a' : num(v));

export interface BreakdownLine {
  /** The query on the first row of its group, null on the rows that follow. */
  query: string | null;
  cells: string[];
}

/** Rows grouped by query (in first-seen order), each group in stored order. */
export function breakdownLines(rows: readonly LatencyBreakdownRow[]): BreakdownLine[] {
  const queries = [...new Set(rows.map((r) => r.query))];
  return queries.flatMap((q) =>
    rows
      .filter((r) => r.query === q)
      .map((r, i) => ({
        query: i === 0 ? q : null,
        cells: [
          r.variant,
          r.mode,
          num(r.n),
          enoughSamples(r.n, 0.5) ? num(r.clientP50Ms) : tooFew(0.5),
          enoughSamples(r.n, 0.95) ? num(r.clientP95Ms) : tooFew(0.95),
          num(r.clientMeanMs),
          ms(r.planMeanMs),
          ms(r.execMeanMs),
          ms(r.clientOverheadMeanMs),
          r.plansPerCall === null ? 'n/a' : num(r.plansPerCall),
          SOURCE[r.source],
          r.explainPlanningMs === undefined && r.explainExecutionMs === undefined
            ? '—'
            : `${r.explainPlanningMs === undefined ? 'n/a' : num(r.explainPlanningMs)} / ${r.explainExecutionMs === undefined ? 'n/a' : num(r.explainExecutionMs)}`,
        ],
      })),
  );
}

export function breakdownHidesAny(rows: readonly LatencyBreakdownRow[]): boolean {
  return rows.some((r) => !enoughSamples(r.n, 0.95));
}
