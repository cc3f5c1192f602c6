/**
 * Markdown building blocks: tables and the per-scenario block every numbered section reuses.
 * Callers pass already-escaped cell text (so cells can hold links).
 */
import type { Comparison, ScenarioResult, ScenarioStatus } from '../../harness/result/index.js';
import {
  BREAKDOWN_HEADERS,
  BREAKDOWN_HIDDEN_NOTE,
  BREAKDOWN_NOTE,
  BREAKDOWN_NUMERIC,
  breakdownHidesAny,
  breakdownLines,
} from '../internal/breakdown.js';
import { tallyBudgets, tallyText } from '../internal/budgets.js';
import { mdCode, mdText } from '../internal/escape.js';
import { fmtBare, fmtDuration, fmtSpread, fmtValue, num } from '../internal/format.js';
import {
  anyHidden,
  comparisonTooFew,
  enoughSamples,
  PERCENTILE_LEGEND,
  PERCENTILES,
  percentileText,
  tooFew,
} from '../internal/percentile.js';
import { anchors, comparisonHistograms } from '../internal/select.js';

export function table(headers: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string {
  const sep = headers.map((_, i) => (numeric.includes(i) ? '---:' : '---'));
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
  return [line(headers), line(sep), ...rows.map(line)].join('\n');
}

export function anchor(id: string): string {
  return `<a id="${id}"></a>`;
}

const STATUS_ICON: Record<ScenarioStatus, string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  aborted: '⚠️ aborted',
  error: '❌ error',
  skipped: '⏭️ skipped',
};

export function statusText(status: ScenarioStatus): string {
  return STATUS_ICON[status];
}

function histogramTable(s: ScenarioResult): string | null {
  const entries = Object.entries(s.measurements.histograms);
  if (entries.length === 0) return null;
  const rows = entries.map(([name, h]) => [
    mdCode(name),
    mdText(h.unit),
    num(h.count),
    ...PERCENTILES.map((p) => mdText(percentileText(h, p.key, (v) => fmtBare(v, h.unit)))),
    fmtBare(h.max, h.unit),
    fmtBare(h.stdev, h.unit),
    h.repeats === undefined || h.repeats.length === 0
      ? 'single run'
      : enoughSamples(h.count, 0.95)
        ? `${h.repeats.length}: ${h.repeats.map((r) => fmtBare(r, h.unit)).join(', ')}`
        : mdText(tooFew(0.95)),
  ]);
  const legend = entries.some(([, h]) => anyHidden(h)) ? `\n\n_${mdText(PERCENTILE_LEGEND)}_` : '';
  return `**Distributions** (HDR histograms; n = samples; p95 per repeat where repeated)\n\n${table(
    ['Metric', 'Unit', 'n', 'p50', 'p90', 'p95', 'p99', 'max', 'stdev', 'p95 repeats'],
    rows,
    [2, 3, 4, 5, 6, 7, 8],
  )}${legend}`;
}

function variantCell(s: ScenarioResult, c: Comparison, side: 'before' | 'after'): string {
  const v = c[side];
  const hs = comparisonHistograms(s, c);
  if (hs !== null && comparisonTooFew(s, c)[side]) {
    return `${mdText(v.variant)}: (n too small) n=${num(hs[side].count)}, max ${fmtValue(hs[side].max, hs[side].unit)}`;
  }
  const n = hs === null ? '' : ` (n=${num(hs[side].count)})`;
  return `${mdText(v.variant)}: ${fmtValue(v.value, c.unit)}${n}`;
}

export function comparisonTable(s: ScenarioResult): string | null {
  if (s.comparisons.length === 0) return null;
  let anyTooFew = false;
  const rows = s.comparisons.map((c) => {
    const few = comparisonTooFew(s, c);
    const hidden = few.before || few.after;
    anyTooFew ||= hidden;
    return [
      mdText(c.name),
      mdCode(c.metric),
      variantCell(s, c, 'before'),
      variantCell(s, c, 'after'),
      hidden ? '(n too small)' : `${num(c.ratio)}x`,
      hidden ? '(n too small)' : c.interval === undefined ? 'no interval (single measurement)' : fmtSpread(c.interval, 'ratio'),
    ];
  });
  return `**Before vs after** (ratio = before / after, measured on identically seeded data)\n\n${table(
    ['Comparison', 'Metric', 'Before', 'After', 'Ratio', 'Interval of the ratio'],
    rows,
    [4],
  )}${anyTooFew ? `\n\n_${mdText(PERCENTILE_LEGEND)}_` : ''}`;
}

function counterTable(s: ScenarioResult): string | null {
  const entries = Object.entries(s.measurements.counters);
  if (entries.length === 0) return null;
  const rows = entries.map(([name, c]) => [mdCode(name), fmtValue(c.value, c.unit)]);
  return `**Counters** (totals over the scenario)\n\n${table(['Counter', 'Value'], rows, [1])}`;
}

function ratioTable(s: ScenarioResult): string | null {
  const entries = Object.entries(s.measurements.ratios);
  if (entries.length === 0) return null;
  const rows = entries.map(([name, r]) => [
    mdCode(name),
    fmtValue(r.value, r.unit),
    r.spread === undefined ? 'single run (no spread)' : fmtSpread(r.spread, r.unit),
    r.definition === undefined ? '' : mdText(r.definition),
  ]);
  return `**Ratios**\n\n${table(['Ratio', 'Value', 'Spread', 'Definition'], rows, [1])}`;
}

/** The client latency of each hot query split into server planning, execution and the client rest. */
function breakdownTable(s: ScenarioResult): string | null {
  const rows = s.latencyBreakdown ?? [];
  if (rows.length === 0) return null;
  const lines = breakdownLines(rows).map((l) => [l.query === null ? '' : mdCode(l.query), ...l.cells.map(mdText)]);
  const hidden = breakdownHidesAny(rows) ? `\n\n_${mdText(BREAKDOWN_HIDDEN_NOTE)}_` : '';
  return `**Latency breakdown** (planning / execution / client, per variant and statement mode)\n\n${mdText(BREAKDOWN_NOTE)}\n\n${table(
    BREAKDOWN_HEADERS,
    lines,
    BREAKDOWN_NUMERIC,
  )}${hidden}`;
}

/** One scenario as a sub-section: status line, every measurement table, findings and evidence link. */
export function scenarioBlock(s: ScenarioResult, heading: string): string {
  const budgets = s.budgets.length === 0 ? 'no budgets' : `budgets ${tallyText(tallyBudgets(s.budgets))}`;
  const parts: string[] = [
    `### ${heading} ${mdText(s.title)}\n${anchor(anchors.scenario(s.name))}`,
    `Scenario ${mdCode(s.name)} · audit ${mdText(s.auditRef)} · ${statusText(s.status)} · ${s.trusted ? 'trusted' : '**untrusted**'} · ${fmtDuration(s.durationMs)} · ${budgets} · [evidence](#${anchors.evidence(s.name)})`,
  ];
  if (!s.trusted && s.untrustedReasons.length > 0) parts.push(`> ⚠️ Untrusted: ${s.untrustedReasons.map(mdText).join('; ')}`);
  if (s.error !== undefined) {
    parts.push(
      `> ❌ ${mdCode(s.error.code)}: ${mdText(s.error.message)}${s.error.hint === undefined ? '' : ` (fix: ${mdText(s.error.hint)})`}`,
    );
  }
  if (s.method !== undefined) parts.push(`**Method:** ${mdText(s.method)}`);
  const tables = [histogramTable(s), breakdownTable(s), comparisonTable(s), counterTable(s), ratioTable(s)].filter((b) => b !== null);
  parts.push(...tables);
  if (s.findings.length > 0) {
    parts.push(
      `**Findings:** ${s.findings.map((f) => `[${mdText(f.id)}](#${anchors.finding(f.id)}) ${f.priority} ${mdText(f.title)}`).join('; ')}`,
    );
  }
  if (tables.length === 0 && s.findings.length === 0 && s.status !== 'skipped') parts.push('_No measurements recorded._');
  return parts.join('\n\n');
}
