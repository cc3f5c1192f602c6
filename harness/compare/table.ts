/** The compare result as a fixed-width text table for the terminal and CI logs. */
import type { Unit } from '../result/index.js';
import type { CompareReport } from './compare-runs.js';
import type { MetricChange } from './rule.js';

function value(v: number | null, unit: Unit): string {
  if (v === null) return 'missing';
  const s = Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
  return unit === 'count' ? s : `${s} ${unit}`;
}

function change(c: MetricChange): string {
  if (c.delta === null) return '';
  const sign = c.delta > 0 ? '+' : '';
  const rel = c.relative === null ? '' : ` (${sign}${(c.relative * 100).toFixed(1)}%)`;
  return `${sign}${value(c.delta, c.unit)}${rel}`;
}

function method(c: MetricChange): string {
  if (c.interval === undefined) return c.method;
  const i = c.interval;
  return `bootstrap ${Math.round(i.confidence * 100)}% [${Number(i.low.toPrecision(3))}, ${Number(i.high.toPrecision(3))}]`;
}

const VERDICT: Record<MetricChange['verdict'], string> = {
  regression: 'REGRESSION',
  improvement: 'improved',
  'within-noise': 'noise',
  unchanged: 'same',
};

/** Rows for every regression and improvement, plus the rest unless `changedOnly`. */
export function formatCompareTable(report: CompareReport, changedOnly = false): string {
  const rows = report.changes
    .filter((c) => !changedOnly || c.verdict === 'regression' || c.verdict === 'improvement')
    .map((c) => [c.key, value(c.base, c.unit), value(c.next, c.unit), change(c), method(c), VERDICT[c.verdict]]);
  if (rows.length === 0) return changedOnly ? 'no metric changed beyond the floors' : 'no metric present in both runs';
  const header = ['metric', 'base', 'new', 'change', 'method', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 || i >= 4 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
