/**
 * Shared drawing primitives for the inline SVG charts: a plot box, linear scales, "nice" axis
 * ticks, axes and legends. Layout arithmetic only; the plotted values are stored figures.
 *
 * Every element that represents a datum carries `data-series` and `data-value` so a browser test
 * (and a curious reader with dev tools) can tell drawn data from decoration.
 */
import { escapeHtml } from '../../internal/escape.js';
import { num } from '../../internal/format.js';

export interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const BOX: Readonly<Box> = Object.freeze({ width: 640, height: 280, left: 62, right: 62, top: 30, bottom: 46 });

/** Colour-blind-safe palette (Okabe-Ito), readable in grey when printed. */
export const COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'] as const;
export const BEFORE_COLOR = '#9a9a9a';
export const AFTER_COLOR = '#0072b2';

export function color(i: number): string {
  return COLORS[i % COLORS.length] ?? '#000';
}

/** Coordinates rounded to 0.1 px: smaller files, same picture. */
export function c(v: number): string {
  return String(Math.round(v * 10) / 10);
}

export type Scale = (v: number) => number;

export function linear(d0: number, d1: number, r0: number, r1: number): Scale {
  const span = d1 - d0 === 0 ? 1 : d1 - d0;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** Smallest 1/2/2.5/5 x 10^k at or above x. */
function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = [1, 2, 2.5, 5, 10].find((k) => k * p >= x * (1 - 1e-9)) ?? 10;
  return m * p;
}

export interface Axis {
  max: number;
  ticks: number[];
}

/** An axis from 0 with about five round steps that ends at the first step at or above max. */
export function niceAxis(max: number): Axis {
  const step = niceCeil((max > 0 && Number.isFinite(max) ? max : 1) / 5);
  const n = Math.max(1, Math.ceil(max / step - 1e-9));
  return { max: n * step, ticks: Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12))) };
}

export function svgOpen(chart: string, label: string, box: Box = BOX): string {
  return `<svg data-chart="${escapeHtml(chart)}" viewBox="0 0 ${box.width} ${box.height}" role="img" aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(label)}</title>`;
}

export function yAxis(side: 'left' | 'right', axis: Axis, y: Scale, title: string, box: Box = BOX): string {
  const x = side === 'left' ? box.left : box.width - box.right;
  const anchor = side === 'left' ? 'end' : 'start';
  const dx = side === 'left' ? -6 : 6;
  const parts = axis.ticks.map((t) => {
    const grid =
      side === 'left' ? `<line class="grid" x1="${box.left}" x2="${box.width - box.right}" y1="${c(y(t))}" y2="${c(y(t))}"/>` : '';
    return `${grid}<text class="tick" x="${x + dx}" y="${c(y(t) + 4)}" text-anchor="${anchor}">${escapeHtml(num(t))}</text>`;
  });
  const tx = side === 'left' ? 14 : box.width - 10;
  const ty = box.top + (box.height - box.top - box.bottom) / 2;
  return `<g class="axis">${parts.join('')}<line x1="${x}" x2="${x}" y1="${box.top}" y2="${box.height - box.bottom}"/><text class="axis-title" transform="translate(${tx} ${c(ty)}) rotate(-90)" text-anchor="middle">${escapeHtml(title)}</text></g>`;
}

export function xAxis(axis: Axis, x: Scale, title: string, box: Box = BOX): string {
  const base = box.height - box.bottom;
  const parts = axis.ticks.map(
    (t) => `<text class="tick" x="${c(x(t))}" y="${base + 16}" text-anchor="middle">${escapeHtml(num(t))}</text>`,
  );
  return `<g class="axis">${parts.join('')}<line x1="${box.left}" x2="${box.width - box.right}" y1="${base}" y2="${base}"/><text class="axis-title" x="${c(box.left + (box.width - box.left - box.right) / 2)}" y="${box.height - 6}" text-anchor="middle">${escapeHtml(title)}</text></g>`;
}

export interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
}

/** A one-line legend above the plot, right-aligned entries laid out from the left edge. */
export function legend(items: readonly LegendItem[], box: Box = BOX): string {
  let x = box.left;
  const parts = items.map((it) => {
    const swatch =
      it.dashed === true
        ? `<line x1="${x}" x2="${x + 16}" y1="12" y2="12" stroke="${it.color}" stroke-width="2" stroke-dasharray="4 3"/>`
        : `<rect x="${x}" y="6" width="14" height="12" fill="${it.color}"/>`;
    const text = `<text class="legend" x="${x + 20}" y="16">${escapeHtml(it.label)}</text>`;
    x += 30 + it.label.length * 6.2;
    return swatch + text;
  });
  return `<g class="legend">${parts.join('')}</g>`;
}

/** A chart in a figure with an HTML caption carrying sample sizes and method. */
export function figure(svg: string, caption: string, wide = false): string {
  return `<figure class="chart${wide ? ' wide' : ''}">${svg}<figcaption>${caption}</figcaption></figure>`;
}
