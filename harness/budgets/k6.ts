import { parseThreshold } from './parse.js';
import type { BudgetSet, BudgetStat, ThresholdExpr } from './types.js';

// k6 aggregation names: https://grafana.com/docs/k6/latest/using-k6/thresholds/
const K6_STAT: Record<BudgetStat, string> = {
  p50: 'med',
  p90: 'p(90)',
  p95: 'p(95)',
  p99: 'p(99)',
  max: 'max',
  min: 'min',
  mean: 'avg',
  count: 'count',
  value: 'value',
};

/**
 * One budget threshold as a k6 threshold expression, e.g. p95 "< 10ms" -> "p(95)<10". k6 trend
 * metrics are in milliseconds, so s and us are converted; percentages become k6 rates (0..1).
 */
export function toK6Threshold(stat: BudgetStat, expr: ThresholdExpr): string {
  const p = parseThreshold(stat, expr);
  if (typeof p === 'string') throw new TypeError(p);
  let limit = p.limit;
  let agg = K6_STAT[stat];
  if (p.unit === 's') limit *= 1000;
  if (p.unit === 'us') limit /= 1000;
  if (p.unit === 'percent') {
    limit /= 100;
    agg = 'rate';
  }
  // Avoid float noise such as 0.30000000000000004 in generated scripts.
  return `${agg}${p.operator}${Number(limit.toPrecision(12))}`;
}

/**
 * A budget set as k6 `options.thresholds`. `metricName` maps a loadlab metric to the k6 metric
 * it corresponds to (e.g. "http.list_sessions" -> "http_req_duration{name:list_sessions}");
 * budgets it maps to undefined are left out, since k6 cannot see engine-internal metrics.
 */
export function toK6Thresholds(set: BudgetSet, metricName: (name: string) => string | undefined = (n) => n): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, rule] of Object.entries(set)) {
    const k6Name = metricName(name);
    if (k6Name === undefined) continue;
    for (const [stat, expr] of Object.entries(rule)) {
      if (expr === undefined) continue;
      (out[k6Name] ??= []).push(toK6Threshold(stat as BudgetStat, expr));
    }
  }
  return out;
}
