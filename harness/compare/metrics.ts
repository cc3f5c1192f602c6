/**
 * The comparable metrics of a RunResult: histogram percentiles, the "after" side of each
 * before/after comparison, and budget measurements, keyed so the same metric matches across runs.
 */
import type { BudgetResult, RunResult, Unit } from '../result/index.js';

export type MetricKind = 'histogram' | 'comparison' | 'budget';

export interface Metric {
  key: string;
  kind: MetricKind;
  unit: Unit;
  /** Which direction is better; null when only the pass/fail status matters (== budgets). */
  better: 'lower' | 'higher' | null;
  value: number | null;
  /** Per-repeat values of this metric when the run repeated it. */
  repeats?: readonly number[];
  /** Budgets only. */
  passed?: boolean;
  /** Histogram percentiles: the recorded distribution and the quantile, for a sampling interval. */
  distribution?: { buckets: readonly { le: number; count: number }[]; q: number };
}

const PERCENTILES = ['p50', 'p95', 'p99'] as const;
const QUANTILE = { p50: 0.5, p95: 0.95, p99: 0.99 } as const;

function budgetBetter(b: BudgetResult): Metric['better'] {
  if (b.operator === '<' || b.operator === '<=') return 'lower';
  if (b.operator === '>' || b.operator === '>=') return 'higher';
  return null;
}

export function collectMetrics(result: RunResult): Map<string, Metric> {
  const out = new Map<string, Metric>();
  const add = (m: Metric): void => {
    if (!out.has(m.key)) out.set(m.key, m);
  };
  for (const s of result.scenarios) {
    for (const [name, h] of Object.entries(s.measurements.histograms)) {
      for (const p of PERCENTILES) {
        // HistogramSummary.repeats holds the per-repeat p95, so only p95 gets the repeat-based rule.
        const repeats = p === 'p95' && h.repeats !== undefined && h.repeats.length > 0 ? { repeats: h.repeats } : {};
        const distribution =
          h.buckets !== undefined && h.buckets.length > 0 ? { distribution: { buckets: h.buckets, q: QUANTILE[p] } } : {};
        add({ key: `${s.name}/${name}.${p}`, kind: 'histogram', unit: h.unit, better: 'lower', value: h[p], ...repeats, ...distribution });
      }
    }
    for (const c of s.comparisons) {
      const r = c.after.summary?.repeats;
      const repeats = r !== undefined && r.length > 0 && /\.p95$/.test(c.metric) ? { repeats: r } : {};
      add({
        key: `${s.name}/${c.name} [${c.after.variant}]`,
        kind: 'comparison',
        unit: c.unit,
        better: c.better,
        value: c.after.value,
        ...repeats,
      });
    }
  }
  for (const b of [...result.budgets, ...result.scenarios.flatMap((s) => s.budgets)]) {
    add({
      key: `budget ${b.scenario ?? 'run'}/${b.name} ${b.stat}`,
      kind: 'budget',
      unit: b.unit,
      better: budgetBetter(b),
      value: b.measured,
      ...(b.judgeable === false ? {} : { passed: b.passed }),
    });
  }
  return out;
}
