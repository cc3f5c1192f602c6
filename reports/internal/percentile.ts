/**
 * When a stored percentile may be shown as a measurement. A percentile q rests on the few samples
 * beyond it, so one from fewer than 10/(1-q) samples (minSamplesForPercentile) is printed as a
 * placeholder such as "n<200", next to the max, which is always shown. Counting only: no figure is
 * derived here.
 */
import { minSamplesForPercentile, type Comparison, type HistogramSummary, type ScenarioResult } from '../../harness/result/index.js';
import { num } from './format.js';
import { comparisonHistograms } from './select.js';

export const PERCENTILES = [
  { key: 'p50', q: 0.5 },
  { key: 'p90', q: 0.9 },
  { key: 'p95', q: 0.95 },
  { key: 'p99', q: 0.99 },
] as const;
export type PercentileKey = (typeof PERCENTILES)[number]['key'];

/** 0.95 for "p95" or "query.list_sessions.p95", 0.5 for "median"; null when not a percentile. */
export function quantileOf(stat: string): number | null {
  if (/(^|\.)median$/.test(stat)) return 0.5;
  const m = /(?:^|\.)p(\d+(?:\.\d+)?)$/.exec(stat);
  const q = m?.[1] === undefined ? Number.NaN : Number(m[1]) / 100;
  return q > 0 && q < 1 ? q : null;
}

export function enoughSamples(n: number, q: number): boolean {
  return n >= minSamplesForPercentile(q);
}

/** The placeholder printed instead of a percentile from too few samples, e.g. "n<200". */
export function tooFew(q: number): string {
  return `n<${num(minSamplesForPercentile(q))}`;
}

/** A histogram percentile formatted by `fmt`, or the placeholder when its count is too small. */
export function percentileText(h: HistogramSummary, key: PercentileKey, fmt: (value: number) => string): string {
  const q = PERCENTILES.find((p) => p.key === key)?.q ?? 0.5;
  return enoughSamples(h.count, q) ? fmt(h[key]) : tooFew(q);
}

/** True when at least one of the histogram's percentiles is not shown. */
export function anyHidden(h: Pick<HistogramSummary, 'count'>): boolean {
  return PERCENTILES.some((p) => !enoughSamples(h.count, p.q));
}

/** The legend every table or chart with a hidden percentile carries. */
export const PERCENTILE_LEGEND = `Percentiles from fewer than 10/(1−q) samples are not shown (${PERCENTILES.map(
  (p) => `${p.key} needs n ≥ ${num(minSamplesForPercentile(p.q))}`,
).join(', ')}); the max is.`;

/**
 * Which sides of a comparison rest on too few samples for the percentile its metric names
 * ("query.list_sessions.p95"); neither side for a metric that is not a percentile or has no
 * stored histograms.
 */
export function comparisonTooFew(s: ScenarioResult, c: Comparison): { before: boolean; after: boolean } {
  const q = quantileOf(c.metric);
  const hs = comparisonHistograms(s, c);
  if (q === null || hs === null) return { before: false, after: false };
  return { before: !enoughSamples(hs.before.count, q), after: !enoughSamples(hs.after.count, q) };
}
