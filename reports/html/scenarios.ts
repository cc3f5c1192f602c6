/** One HTML block per scenario: status, measurement tables and its evidence. */
import type { ScenarioResult } from '../../harness/result/index.js';
import {
  BREAKDOWN_HEADERS,
  BREAKDOWN_HIDDEN_NOTE,
  BREAKDOWN_NOTE,
  BREAKDOWN_NUMERIC,
  breakdownHidesAny,
  breakdownLines,
} from '../internal/breakdown.js';
import { tallyBudgets, tallyText } from '../internal/budgets.js';
import { escapeHtml as h } from '../internal/escape.js';
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
import { htmlTable } from './table.js';

const legend = (text: string): string => `<p class="muted">${h(text)}</p>`;

function histograms(s: ScenarioResult): string {
  const entries = Object.entries(s.measurements.histograms);
  if (entries.length === 0) return '';
  return (
    htmlTable(
      ['Distribution', 'n', 'p50', 'p90', 'p95', 'p99', 'max', 'unit', 'p95 repeats'],
      entries.map(([name, x]) => [
        `<code>${h(name)}</code>`,
        num(x.count),
        ...PERCENTILES.map((p) => h(percentileText(x, p.key, (v) => fmtBare(v, x.unit)))),
        h(fmtBare(x.max, x.unit)),
        h(x.unit),
        x.repeats === undefined || x.repeats.length === 0
          ? 'single run'
          : enoughSamples(x.count, 0.95)
            ? h(x.repeats.map((r) => fmtBare(r, x.unit)).join(', '))
            : h(tooFew(0.95)),
      ]),
      [1, 2, 3, 4, 5, 6],
    ) + (entries.some(([, x]) => anyHidden(x)) ? legend(PERCENTILE_LEGEND) : '')
  );
}

function breakdown(s: ScenarioResult): string {
  const rows = s.latencyBreakdown ?? [];
  if (rows.length === 0) return '';
  const lines = breakdownLines(rows).map((l) => [l.query === null ? '' : `<code>${h(l.query)}</code>`, ...l.cells.map(h)]);
  return (
    `<h4>Latency breakdown: planning / execution / client</h4><p class="muted">${h(BREAKDOWN_NOTE)}</p>` +
    htmlTable(BREAKDOWN_HEADERS.map(h), lines, BREAKDOWN_NUMERIC) +
    (breakdownHidesAny(rows) ? legend(BREAKDOWN_HIDDEN_NOTE) : '')
  );
}

function comparisons(s: ScenarioResult): string {
  if (s.comparisons.length === 0) return '';
  let anyTooFew = false;
  const table = htmlTable(
    ['Comparison', 'Before', 'After', 'Ratio', 'Interval'],
    s.comparisons.map((c) => {
      const hs = comparisonHistograms(s, c);
      const few = comparisonTooFew(s, c);
      const hidden = few.before || few.after;
      anyTooFew ||= hidden;
      const cell = (side: 'before' | 'after'): string => {
        const variant = h(c[side].variant);
        if (hs === null) return `${variant}: ${h(fmtValue(c[side].value, c.unit))}`;
        const x = hs[side];
        return few[side]
          ? `${variant}: <span class="warn">(n too small)</span> <span class="muted">n=${num(x.count)}, max ${h(fmtValue(x.max, x.unit))}</span>`
          : `${variant}: ${h(fmtValue(c[side].value, c.unit))} <span class="muted">n=${num(x.count)}</span>`;
      };
      return [
        `${h(c.name)}<br><code class="muted">${h(c.metric)}</code>`,
        cell('before'),
        cell('after'),
        hidden ? '(n too small)' : `${h(num(c.ratio))}x`,
        hidden ? '(n too small)' : c.interval === undefined ? 'single measurement' : h(fmtSpread(c.interval, 'ratio')),
      ];
    }),
    [3],
  );
  return table + (anyTooFew ? legend(PERCENTILE_LEGEND) : '');
}

function scalars(s: ScenarioResult): string {
  const rows = [
    ...Object.entries(s.measurements.counters).map(([name, c]) => [`<code>${h(name)}</code>`, h(fmtValue(c.value, c.unit)), 'total']),
    ...Object.entries(s.measurements.ratios).map(([name, r]) => [
      `<code>${h(name)}</code>`,
      h(fmtValue(r.value, r.unit)),
      h([r.spread === undefined ? 'single run' : fmtSpread(r.spread, r.unit), r.definition ?? ''].filter((x) => x !== '').join('; ')),
    ]),
  ];
  return rows.length === 0 ? '' : htmlTable(['Counter / ratio', 'Value', 'Spread / definition'], rows, [1]);
}

function evidence(s: ScenarioResult): string {
  const ev = s.evidence;
  const parts: string[] = [];
  if (ev.plans.length > 0) {
    parts.push(
      htmlTable(
        ['Plan', 'Variant', 'Scans', 'Index-only', 'Execution', 'Buffers hit/read'],
        ev.plans.map((p) => [
          `<span title="${h(p.sql)}">${h(p.name)}</span>`,
          h(p.variant),
          h(p.scanTypes.join(', ') || 'n/a'),
          p.indexOnly ? 'yes' : 'no',
          h(fmtValue(p.executionMs, 'ms')),
          `${num(p.sharedHitBlocks)} / ${num(p.sharedReadBlocks)}`,
        ]),
        [4],
      ),
    );
  }
  for (const x of ev.samples)
    parts.push(`<p>Sample <strong>${h(x.name)}</strong> (n=${x.values.length}, ${h(x.unit)}): ${h(x.values.map(num).join(', '))}</p>`);
  if (ev.timelines.length > 0) parts.push(`<p>Timelines: ${ev.timelines.map((t) => h(t.title)).join('; ')} (charts above).</p>`);
  return `<div id="${anchors.evidence(s.name)}" class="evidence">${parts.length === 0 ? '' : `<h4>Evidence</h4>${parts.join('')}`}</div>`;
}

export function scenarioHtml(s: ScenarioResult): string {
  const budgets = s.budgets.length === 0 ? 'no budgets' : `budgets ${tallyText(tallyBudgets(s.budgets))}`;
  const tone = s.status === 'passed' ? 'ok' : s.status === 'skipped' ? 'warn' : 'bad';
  const warn = [
    !s.trusted && s.untrustedReasons.length > 0 ? `<p class="bad">Untrusted: ${h(s.untrustedReasons.join('; '))}</p>` : '',
    s.error === undefined
      ? ''
      : `<p class="bad">${h(s.error.code)}: ${h(s.error.message)}${s.error.hint === undefined ? '' : ` (fix: ${h(s.error.hint)})`}</p>`,
  ].join('');
  return (
    `<section class="scenario" id="${anchors.scenario(s.name)}"><h3>${h(s.title)}</h3>` +
    `<p class="meta"><code>${h(s.name)}</code> · audit ${h(s.auditRef)} · <span class="${tone}">${h(s.status)}</span> · ${s.trusted ? 'trusted' : '<span class="bad">untrusted</span>'} · ${h(fmtDuration(s.durationMs))} · ${budgets}</p>` +
    warn +
    (s.method === undefined ? '' : `<p class="method"><strong>Method:</strong> ${h(s.method)}</p>`) +
    histograms(s) +
    breakdown(s) +
    comparisons(s) +
    scalars(s) +
    evidence(s) +
    '</section>'
  );
}
