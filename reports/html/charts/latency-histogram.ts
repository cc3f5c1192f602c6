/**
 * Latency histogram per query from the stored buckets. Buckets have uneven widths, so bars are
 * drawn one per bucket with its upper bound as the label (a faithful picture of the counts; no
 * density is derived).
 */
import type { HistogramSummary, RunResult } from '../../../harness/result/index.js';
import { escapeHtml } from '../../internal/escape.js';
import { fmtValue, num } from '../../internal/format.js';
import { anyHidden, PERCENTILE_LEGEND, percentileText } from '../../internal/percentile.js';
import { BOX, c, color, figure, linear, niceAxis, svgOpen, yAxis, type Box } from './svg.js';

const SMALL: Box = { ...BOX, height: 220 };

function chart(scenario: string, name: string, h: HistogramSummary): string {
  const buckets = h.buckets ?? [];
  const box = SMALL;
  const axis = niceAxis(Math.max(...buckets.map((b) => b.count)));
  const y = linear(0, axis.max, box.height - box.bottom, box.top);
  const slot = (box.width - box.left - box.right) / buckets.length;
  // One colour for every histogram: before/after pairing is the percentile chart's job.
  const fill = color(0);
  const bars = buckets.map((b, k) => {
    const x = box.left + slot * k;
    const top = y(b.count);
    return (
      `<rect data-series="${escapeHtml(name)}" data-le="${b.le}" data-value="${b.count}" x="${c(x + 2)}" y="${c(top)}" width="${c(slot - 4)}" height="${c(box.height - box.bottom - top)}" fill="${fill}"><title>${escapeHtml(`≤ ${fmtValue(b.le, h.unit)}: ${num(b.count)}`)}</title></rect>` +
      `<text class="tick" x="${c(x + slot / 2)}" y="${box.height - box.bottom + 16}" text-anchor="middle">≤${escapeHtml(num(b.le))}</text>`
    );
  });
  const svg = [
    svgOpen('histogram', `${scenario} ${name} latency histogram`, box),
    yAxis('left', axis, y, 'count', box),
    `<text class="axis-title" x="${c(box.width / 2)}" y="${box.height - 6}" text-anchor="middle">bucket upper bound (${escapeHtml(h.unit)})</text>`,
    ...bars,
    '</svg>',
  ].join('');
  const pct = (['p50', 'p95', 'p99'] as const).map((k) => `${k} ${percentileText(h, k, (v) => fmtValue(v, h.unit))}`).join(', ');
  const note = anyHidden(h) ? ` ${PERCENTILE_LEGEND}` : '';
  return figure(
    svg,
    `<strong>${escapeHtml(name)}</strong> (${escapeHtml(scenario)}): n=${escapeHtml(num(h.count))}; ${escapeHtml(pct)}, max ${escapeHtml(fmtValue(h.max, h.unit))}.${escapeHtml(note)}`,
  );
}

export function latencyHistogramCharts(result: RunResult): string[] {
  return result.scenarios.flatMap((s) =>
    Object.entries(s.measurements.histograms)
      .filter(([, h]) => h.buckets !== undefined && h.buckets.length > 0)
      .map(([name, h]) => chart(s.name, name, h)),
  );
}
