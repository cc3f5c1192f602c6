import { minSamplesForPercentile, type BudgetResult, type Measurements, type Unit } from '../result/index.js';
import { compare, formatThreshold, limitInUnit, parseThreshold } from './parse.js';
import type { BudgetSet, BudgetStat } from './types.js';

export interface EvaluateOptions {
  /** Scenario the measurements belong to (null for run-level). */
  scenario?: string | null;
  /**
   * Skip budgets whose metric is not in these measurements (another scenario owns them). Off:
   * a missing metric fails its budget, which is what a run-level check wants.
   */
  onlyPresent?: boolean;
}

interface Found {
  value: number;
  unit: Unit;
  /** Samples behind a histogram statistic. */
  count?: number;
  /** Set when the metric exists but the stat does not apply to it. */
  error?: string;
}

function lookup(m: Measurements, name: string, stat: BudgetStat): Found | undefined {
  const h = m.histograms[name];
  if (h !== undefined) {
    if (stat === 'value')
      return { value: Number.NaN, unit: h.unit, error: `"${name}" is a histogram: use a stat such as p95 or max, not value` };
    return { value: h[stat], unit: stat === 'count' ? 'count' : h.unit, count: h.count };
  }
  const c = m.counters[name] ?? m.ratios[name];
  if (c !== undefined) return { value: c.value, unit: c.unit };
  return undefined;
}

/** Percentile budget stats and their quantile: judged only from enough samples. */
const PERCENTILE_OF: Partial<Record<BudgetStat, number>> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

/** Checks each threshold against the measurements; the result rows go straight into RunResult. */
export function evaluateBudgets(set: BudgetSet, measurements: Measurements, opts: EvaluateOptions = {}): BudgetResult[] {
  const out: BudgetResult[] = [];
  const scenario = opts.scenario ?? null;
  for (const [name, rule] of Object.entries(set)) {
    for (const [statKey, expr] of Object.entries(rule)) {
      if (expr === undefined) continue;
      const stat = statKey as BudgetStat;
      const parsed = parseThreshold(stat, expr);
      // Config was validated on load; an unparsable rule here means it bypassed resolveConfig.
      if (typeof parsed === 'string') {
        out.push({
          name,
          scenario,
          stat,
          threshold: String(expr),
          operator: '<=',
          limit: Number.NaN,
          measured: null,
          passed: false,
          unit: 'count',
          message: parsed,
        });
        continue;
      }
      const threshold = formatThreshold(stat, parsed);
      const found = lookup(measurements, name, stat);
      const base = { name, scenario, stat, threshold, operator: parsed.operator };
      if (found === undefined) {
        if (opts.onlyPresent === true) continue;
        out.push({
          ...base,
          limit: parsed.limit,
          measured: null,
          passed: false,
          unit: parsed.unit === 'percent' ? 'percent' : (parsed.unit ?? 'count'),
          message: `no measurement named "${name}"`,
        });
        continue;
      }
      if (found.error !== undefined) {
        out.push({ ...base, limit: parsed.limit, measured: null, passed: false, unit: found.unit, message: found.error });
        continue;
      }
      const limit = limitInUnit(parsed, found.unit);
      if (limit === null) {
        out.push({
          ...base,
          limit: parsed.limit,
          measured: found.value,
          passed: false,
          unit: found.unit,
          message: `threshold unit ${parsed.unit ?? ''} cannot be compared with a measurement in ${found.unit}`,
        });
        continue;
      }
      const q = PERCENTILE_OF[stat];
      if (q !== undefined && found.count !== undefined && found.count < minSamplesForPercentile(q)) {
        out.push({
          ...base,
          limit,
          measured: found.value,
          passed: false,
          judgeable: false,
          unit: found.unit,
          message: `${stat} needs n >= ${minSamplesForPercentile(q)} samples, "${name}" has ${found.count}`,
        });
        continue;
      }
      out.push({ ...base, limit, measured: found.value, passed: compare(found.value, parsed.operator, limit), unit: found.unit });
    }
  }
  return out;
}

/** Budget names no scenario evaluated: a typo in the config or a scenario that did not run. */
export function unevaluatedBudgets(set: BudgetSet, results: readonly BudgetResult[]): string[] {
  const seen = new Set(results.map((r) => r.name));
  return Object.keys(set).filter((n) => !seen.has(n));
}
