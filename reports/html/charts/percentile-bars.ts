/**
 * Percentile bars, before vs after, one chart per comparison whose two variants have stored
 * histograms: the reader sees the whole tail move, not just the headline p95. A percentile from too
 * few samples is not drawn: its slot says "n<200" and the max is drawn beside the rest.
 */
import type { Comparison, HistogramSummary, RunResult, ScenarioResult } from '../../../harness/result/index.js';
import { escapeHtml } from '../../internal/escape.js';
import { fmtValue, num } from '../../internal/format.js';
import {
  anyHidden,
  comparisonTooFew,
  enoughSamples,
  PERCENTILE_LEGEND,
  PERCENTILES,
  percentileText,
  tooFew,
} from '../../internal/percentile.js';
import { comparisonHistograms } from '../../internal/select.js';
import { AFTER_COLOR, BEFORE_COLOR, BOX, c, figure, legend, linear, niceAxis, svgOpen, yAxis } from './svg.js';

interface Group {
  stat: string;
  /** The bar's value, or null when the percentile rests on too few samples (a placeholder is printed). */
  value: (h: HistogramSummary) => number | null;
  placeholder: string;
}

/** p50-p99, each drawn only from enough samples; the max joins them when any percentile is hidden. */
function groups(before: HistogramSummary, after: HistogramSummary): Group[] {
  const list: Group[] = PERCENTILES.map((p) => ({
    stat: p.key,
    value: (h) => (enoughSamples(h.count, p.q) ? h[p.key] : null),
    placeholder: tooFew(p.q),
  }));
  if (anyHidden(before) || anyHidden(after)) list.push({ stat: 'max', value: (h) => h.max, placeholder: '' });
  return list;
}

function chart(s: ScenarioResult, cmp: Comparison, before: HistogramSummary, after: HistogramSummary): string {
  const box = BOX;
  const stats = groups(before, after);
  const drawn = stats.flatMap((g) => [g.value(before), g.value(after)]).filter((v): v is number => v !== null);
  const axis = niceAxis(Math.max(0, ...drawn));
  const y = linear(0, axis.max, box.height - box.bottom, box.top);
  const base = box.height - box.bottom;
  const groupW = (box.width - box.left - box.right) / stats.length;
  const barW = Math.min(34, groupW / 3);
  const bars = stats.map((g, i) => {
    const gx = box.left + groupW * i + groupW / 2;
    const one = (h: HistogramSummary, variant: string, fill: string, dx: number): string => {
      const v = g.value(h);
      if (v === null) {
        const tip = `${variant} ${g.stat}: not shown, ${g.placeholder} (n=${num(h.count)})`;
        return `<text class="bar-label" data-hidden="${escapeHtml(g.stat)}" x="${c(gx + dx + barW / 2)}" y="${base - 4}" text-anchor="middle"><title>${escapeHtml(tip)}</title>${escapeHtml(g.placeholder)}</text>`;
      }
      const top = y(v);
      const label = `${variant} ${g.stat}: ${fmtValue(v, h.unit)} (n=${num(h.count)})`;
      return (
        `<rect data-series="${escapeHtml(variant)}" data-stat="${g.stat}" data-value="${v}" x="${c(gx + dx)}" y="${c(top)}" width="${c(barW)}" height="${c(base - top)}" fill="${fill}"><title>${escapeHtml(label)}</title></rect>` +
        `<text class="bar-label" x="${c(gx + dx + barW / 2)}" y="${c(top - 4)}" text-anchor="middle">${escapeHtml(num(v))}</text>`
      );
    };
    return (
      one(before, cmp.before.variant, BEFORE_COLOR, -barW - 2) +
      one(after, cmp.after.variant, AFTER_COLOR, 2) +
      `<text class="tick" x="${c(gx)}" y="${base + 16}" text-anchor="middle">${g.stat}</text>`
    );
  });
  const title = `${s.name}: ${cmp.name}`;
  const svg = [
    svgOpen('percentiles', `${title}, percentiles before vs after`, box),
    legend(
      [
        { label: `${cmp.before.variant} (n=${num(before.count)})`, color: BEFORE_COLOR },
        { label: `${cmp.after.variant} (n=${num(after.count)})`, color: AFTER_COLOR },
      ],
      box,
    ),
    yAxis('left', axis, y, before.unit, box),
    `<line class="baseline" x1="${box.left}" x2="${box.width - box.right}" y1="${base}" y2="${base}"/>`,
    ...bars,
    '</svg>',
  ].join('');
  const few = comparisonTooFew(s, cmp);
  const p95 = (h: HistogramSummary): string => percentileText(h, 'p95', (v) => fmtValue(v, h.unit));
  const interval = cmp.interval === undefined ? '' : `, 95% interval ${num(cmp.interval.low)}–${num(cmp.interval.high)}x`;
  const ratio = few.before || few.after ? 'ratio not shown (n too small)' : `ratio ${num(cmp.ratio)}x${interval}`;
  const hidden = stats.some((g) => g.stat === 'max');
  const max = hidden ? `; max ${fmtValue(before.max, before.unit)} → ${fmtValue(after.max, after.unit)}. ${PERCENTILE_LEGEND}` : '.';
  return figure(
    svg,
    `<strong>${escapeHtml(cmp.name)}</strong> (${escapeHtml(s.name)}): p95 ${escapeHtml(p95(before))} → ${escapeHtml(p95(after))}, ${escapeHtml(ratio)}; n = ${escapeHtml(num(before.count))} / ${escapeHtml(num(after.count))}${escapeHtml(max)}`,
  );
}

export function percentileBarCharts(result: RunResult): string[] {
  return result.scenarios.flatMap((s) =>
    s.comparisons.flatMap((cmp) => {
      const hs = comparisonHistograms(s, cmp);
      return hs === null ? [] : [chart(s, cmp, hs.before, hs.after)];
    }),
  );
}
