/**
 * Percentile bars, before vs after, one chart per comparison whose two variants have stored
 * histograms: the reader sees the whole tail move, not just the headline p95.
 */
import type { Comparison, HistogramSummary, RunResult, ScenarioResult } from '../../../harness/result/index.js';
import { escapeHtml } from '../../internal/escape.js';
import { fmtValue, num } from '../../internal/format.js';
import { comparisonHistograms } from '../../internal/select.js';
import { AFTER_COLOR, BEFORE_COLOR, BOX, c, figure, legend, linear, niceAxis, svgOpen, yAxis } from './svg.js';

const STATS = ['p50', 'p90', 'p95', 'p99'] as const;

function chart(s: ScenarioResult, cmp: Comparison, before: HistogramSummary, after: HistogramSummary): string {
  const box = BOX;
  const axis = niceAxis(Math.max(...STATS.flatMap((k) => [before[k], after[k]])));
  const y = linear(0, axis.max, box.height - box.bottom, box.top);
  const groupW = (box.width - box.left - box.right) / STATS.length;
  const barW = Math.min(34, groupW / 3);
  const bars = STATS.map((stat, i) => {
    const gx = box.left + groupW * i + groupW / 2;
    const one = (h: HistogramSummary, variant: string, fill: string, dx: number): string => {
      const top = y(h[stat]);
      const label = `${variant} ${stat}: ${fmtValue(h[stat], h.unit)} (n=${num(h.count)})`;
      return `<rect data-series="${escapeHtml(variant)}" data-stat="${stat}" data-value="${h[stat]}" x="${c(gx + dx)}" y="${c(top)}" width="${c(barW)}" height="${c(box.height - box.bottom - top)}" fill="${fill}"><title>${escapeHtml(label)}</title></rect>`
        + `<text class="bar-label" x="${c(gx + dx + barW / 2)}" y="${c(top - 4)}" text-anchor="middle">${escapeHtml(num(h[stat]))}</text>`;
    };
    return one(before, cmp.before.variant, BEFORE_COLOR, -barW - 2) + one(after, cmp.after.variant, AFTER_COLOR, 2)
      + `<text class="tick" x="${c(gx)}" y="${box.height - box.bottom + 16}" text-anchor="middle">${stat}</text>`;
  });
  const title = `${s.name}: ${cmp.name}`;
  const svg = [
    svgOpen('percentiles', `${title}, percentiles before vs after`, box),
    legend([{ label: `${cmp.before.variant} (n=${num(before.count)})`, color: BEFORE_COLOR }, { label: `${cmp.after.variant} (n=${num(after.count)})`, color: AFTER_COLOR }], box),
    yAxis('left', axis, y, before.unit, box),
    `<line class="baseline" x1="${box.left}" x2="${box.width - box.right}" y1="${box.height - box.bottom}" y2="${box.height - box.bottom}"/>`,
    ...bars,
    '</svg>',
  ].join('');
  const interval = cmp.interval === undefined ? '' : `, 95% interval ${num(cmp.interval.low)}–${num(cmp.interval.high)}x`;
  return figure(svg, `<strong>${escapeHtml(cmp.name)}</strong> (${escapeHtml(s.name)}): p95 ${escapeHtml(fmtValue(before.p95, before.unit))} → ${escapeHtml(fmtValue(after.p95, after.unit))}, ratio ${escapeHtml(num(cmp.ratio))}x${escapeHtml(interval)}; n = ${escapeHtml(num(before.count))} / ${escapeHtml(num(after.count))}.`);
}

export function percentileBarCharts(result: RunResult): string[] {
  return result.scenarios.flatMap((s) => s.comparisons.flatMap((cmp) => {
    const hs = comparisonHistograms(s, cmp);
    return hs === null ? [] : [chart(s, cmp, hs.before, hs.after)];
  }));
}
