/**
 * Draws one Timeline: each series as a line against seconds since the scenario started, the first
 * unit on the left axis and a second unit (e.g. error % next to p95 ms) on the right, with fault
 * and phase marks as labelled vertical lines.
 */
import type { RunResult, Timeline, TimelineMark, TimeSeries } from '../../../harness/result/index.js';
import { escapeHtml } from '../../internal/escape.js';
import { fmtDuration, fmtValue } from '../../internal/format.js';
import { BOX, c, color, legend, linear, niceAxis, svgOpen, xAxis, yAxis, type Axis, type Scale } from './svg.js';

const MARK_COLOR: Record<TimelineMark['kind'], string> = {
  'fault-start': '#c0392b',
  'fault-end': '#1e8449',
  phase: '#7f8c8d',
  event: '#8e44ad',
};

function seriesPath(s: TimeSeries, x: Scale, y: Scale, stroke: string): string {
  const pts = s.points.map((p) => `${c(x(p.t / 1000))} ${c(y(p.value))}`);
  const d = pts.length === 1 ? `M${pts[0] ?? ''}h1` : pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p}`).join('');
  const last = s.points[s.points.length - 1];
  const tip = `${s.name} (${s.unit}): ${s.points.length} points${last === undefined ? '' : `, last ${fmtValue(last.value, s.unit)} at ${fmtDuration(last.t)}`}`;
  return `<path data-series="${escapeHtml(s.name)}" data-points="${s.points.length}" data-value="${last?.value ?? ''}" d="${d}" fill="none" stroke="${stroke}" stroke-width="1.8" stroke-linejoin="round"><title>${escapeHtml(tip)}</title></path>`;
}

function marks(list: readonly TimelineMark[], x: Scale): string {
  return list
    .map((m, i) => {
      const mx = c(x(m.t / 1000));
      const stroke = MARK_COLOR[m.kind];
      // Stagger labels so marks close in time do not overprint each other.
      const ly = BOX.top + 12 + (i % 3) * 12;
      return (
        `<line class="mark-line" data-mark="${escapeHtml(m.kind)}" data-t="${m.t}" x1="${mx}" x2="${mx}" y1="${BOX.top}" y2="${BOX.height - BOX.bottom}" stroke="${stroke}" stroke-width="1.5" stroke-dasharray="3 3"/>` +
        `<text class="mark" x="${Number(mx) + 4}" y="${ly}" fill="${stroke}">${escapeHtml(m.label)}</text>`
      );
    })
    .join('');
}

export function timelineSvg(chart: string, t: Timeline): string {
  const box = BOX;
  const units = [...new Set(t.series.map((s) => s.unit))];
  const allT = t.series.flatMap((s) => s.points.map((p) => p.t)).concat(t.marks.map((m) => m.t));
  const tAxis = niceAxis(Math.max(1, ...allT) / 1000);
  const x = linear(0, tAxis.max, box.left, box.width - box.right);
  // Left axis: first unit; right axis: every other unit (usually exactly one).
  const axisOf = (pred: (s: TimeSeries) => boolean): Axis =>
    niceAxis(Math.max(0, ...t.series.filter(pred).flatMap((s) => s.points.map((p) => p.value))));
  const left = axisOf((s) => s.unit === units[0]);
  const right = axisOf((s) => s.unit !== units[0]);
  const yLeft = linear(0, left.max, box.height - box.bottom, box.top);
  const yRight = linear(0, right.max, box.height - box.bottom, box.top);
  const parts = [
    svgOpen(chart, t.title, box),
    legend(
      t.series.map((s, i) => ({ label: `${s.name} (${s.unit})`, color: color(i) })),
      box,
    ),
    yAxis('left', left, yLeft, units[0] ?? '', box),
    units.length > 1 ? yAxis('right', right, yRight, units.slice(1).join(', '), box) : '',
    xAxis(tAxis, x, 'seconds since scenario start', box),
    marks(t.marks, x),
    ...t.series.map((s, i) => seriesPath(s, x, s.unit === units[0] ? yLeft : yRight, color(i))),
    '</svg>',
  ];
  return parts.join('');
}

/** Caption text: series sizes and marks, so the figure stands on its own when printed. */
export function timelineCaption(scenario: string, t: Timeline): string {
  const series = t.series.map((s) => `${s.name}: ${s.points.length} points`).join(', ');
  const marksText = t.marks.length === 0 ? '' : `; marks: ${t.marks.map((m) => `${m.label} at ${fmtDuration(m.t)}`).join(', ')}`;
  return `<strong>${escapeHtml(t.title)}</strong> (${escapeHtml(scenario)}): ${escapeHtml(series)}${escapeHtml(marksText)}.`;
}

export interface FoundTimeline {
  scenario: string;
  timeline: Timeline;
}

/** Timelines with at least one point, in run order, that satisfy `match`. */
export function findTimelines(result: RunResult, match: (scenario: string, t: Timeline) => boolean): FoundTimeline[] {
  return result.scenarios.flatMap((s) =>
    s.evidence.timelines
      .filter((t) => t.series.some((x) => x.points.length > 0) && match(s.name, t))
      .map((timeline) => ({ scenario: s.name, timeline })),
  );
}
