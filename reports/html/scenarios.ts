/** One HTML block per scenario: status, measurement tables and its evidence. */
import type { ScenarioResult } from '../../harness/result/index.js';
import { escapeHtml as h } from '../internal/escape.js';
import { fmtBare, fmtDuration, fmtSpread, fmtValue, num } from '../internal/format.js';
import { anchors, comparisonHistograms } from '../internal/select.js';
import { htmlTable } from './table.js';

function histograms(s: ScenarioResult): string {
  const entries = Object.entries(s.measurements.histograms);
  if (entries.length === 0) return '';
  return htmlTable(['Distribution', 'n', 'p50', 'p90', 'p95', 'p99', 'max', 'unit', 'p95 repeats'], entries.map(([name, x]) => [
    `<code>${h(name)}</code>`, num(x.count), ...[x.p50, x.p90, x.p95, x.p99, x.max].map((v) => h(fmtBare(v, x.unit))), h(x.unit),
    x.repeats === undefined || x.repeats.length === 0 ? 'single run' : h(x.repeats.map((r) => fmtBare(r, x.unit)).join(', ')),
  ]), [1, 2, 3, 4, 5, 6]);
}

function comparisons(s: ScenarioResult): string {
  if (s.comparisons.length === 0) return '';
  return htmlTable(['Comparison', 'Before', 'After', 'Ratio', 'Interval'], s.comparisons.map((c) => {
    const hs = comparisonHistograms(s, c);
    const n = (side: 'before' | 'after'): string => (hs === null ? '' : ` <span class="muted">n=${num(hs[side].count)}</span>`);
    return [
      `${h(c.name)}<br><code class="muted">${h(c.metric)}</code>`,
      `${h(c.before.variant)}: ${h(fmtValue(c.before.value, c.unit))}${n('before')}`,
      `${h(c.after.variant)}: ${h(fmtValue(c.after.value, c.unit))}${n('after')}`,
      `${h(num(c.ratio))}x`, c.interval === undefined ? 'single measurement' : h(fmtSpread(c.interval, 'ratio')),
    ];
  }), [3]);
}

function scalars(s: ScenarioResult): string {
  const rows = [
    ...Object.entries(s.measurements.counters).map(([name, c]) => [`<code>${h(name)}</code>`, h(fmtValue(c.value, c.unit)), 'total']),
    ...Object.entries(s.measurements.ratios).map(([name, r]) => [
      `<code>${h(name)}</code>`, h(fmtValue(r.value, r.unit)),
      h([r.spread === undefined ? 'single run' : fmtSpread(r.spread, r.unit), r.definition ?? ''].filter((x) => x !== '').join('; ')),
    ]),
  ];
  return rows.length === 0 ? '' : htmlTable(['Counter / ratio', 'Value', 'Spread / definition'], rows, [1]);
}

function evidence(s: ScenarioResult): string {
  const ev = s.evidence;
  const parts: string[] = [];
  if (ev.plans.length > 0) {
    parts.push(htmlTable(['Plan', 'Variant', 'Scans', 'Index-only', 'Execution', 'Buffers hit/read'], ev.plans.map((p) => [
      `<span title="${h(p.sql)}">${h(p.name)}</span>`, h(p.variant), h(p.scanTypes.join(', ') || 'n/a'), p.indexOnly ? 'yes' : 'no',
      h(fmtValue(p.executionMs, 'ms')), `${num(p.sharedHitBlocks)} / ${num(p.sharedReadBlocks)}`,
    ]), [4]));
  }
  for (const x of ev.samples) parts.push(`<p>Sample <strong>${h(x.name)}</strong> (n=${x.values.length}, ${h(x.unit)}): ${h(x.values.map(num).join(', '))}</p>`);
  if (ev.timelines.length > 0) parts.push(`<p>Timelines: ${ev.timelines.map((t) => h(t.title)).join('; ')} (charts above).</p>`);
  return `<div id="${anchors.evidence(s.name)}" class="evidence">${parts.length === 0 ? '' : `<h4>Evidence</h4>${parts.join('')}`}</div>`;
}

export function scenarioHtml(s: ScenarioResult): string {
  const budgets = s.budgets.length === 0 ? 'no budgets' : `budgets ${s.budgets.filter((b) => b.passed).length}/${s.budgets.length} passed`;
  const tone = s.status === 'passed' ? 'ok' : s.status === 'skipped' ? 'warn' : 'bad';
  const warn = [
    !s.trusted && s.untrustedReasons.length > 0 ? `<p class="bad">Untrusted: ${h(s.untrustedReasons.join('; '))}</p>` : '',
    s.error === undefined ? '' : `<p class="bad">${h(s.error.code)}: ${h(s.error.message)}${s.error.hint === undefined ? '' : ` (fix: ${h(s.error.hint)})`}</p>`,
  ].join('');
  return `<section class="scenario" id="${anchors.scenario(s.name)}"><h3>${h(s.title)}</h3>`
    + `<p class="meta"><code>${h(s.name)}</code> · audit ${h(s.auditRef)} · <span class="${tone}">${h(s.status)}</span> · ${s.trusted ? 'trusted' : '<span class="bad">untrusted</span>'} · ${h(fmtDuration(s.durationMs))} · ${budgets}</p>`
    + warn + histograms(s) + comparisons(s) + scalars(s) + evidence(s) + '</section>';
}
