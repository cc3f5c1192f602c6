/**
 * Concurrency sweep: measured throughput per level, the fitted USL curve, the knee and the
 * predicted peak; p95 latency on the right axis (for levels that completed enough sessions for a
 * p95) shows what the knee costs. The curve evaluates the stored model
 * X(N) = λN / (1 + σ(N−1) + κN(N−1)) at pixel steps; nothing is fitted here.
 */
import { minSamplesForPercentile, type CapacityModel, type UslFit } from '../../../harness/result/index.js';
import { escapeHtml } from '../../internal/escape.js';
import { fmtValue, num } from '../../internal/format.js';
import { enoughSamples, tooFew } from '../../internal/percentile.js';
import { BOX, c, color, figure, legend, linear, niceAxis, svgOpen, xAxis, yAxis } from './svg.js';

const CURVE_STEPS = 120;

function usl(u: UslFit, n: number): number {
  return (u.lambda * n) / (1 + u.sigma * (n - 1) + u.kappa * n * (n - 1));
}

export function concurrencySweepChart(cap: CapacityModel | null): string | null {
  if (cap === null || cap.levels.length === 0) return null;
  const box = BOX;
  const unit = cap.levels[0]?.throughputUnit ?? 'sessions/s';
  const nAxis = niceAxis(Math.max(...cap.levels.map((l) => l.concurrency), cap.usl?.peakConcurrency ?? 0));
  const curve =
    cap.usl === null
      ? []
      : Array.from({ length: CURVE_STEPS + 1 }, (_, i) => {
          const n = 1 + ((nAxis.max - 1) * i) / CURVE_STEPS;
          return [n, usl(cap.usl as UslFit, n)] as const;
        });
  const xAxisT = niceAxis(Math.max(...cap.levels.map((l) => l.throughput), ...curve.map(([, v]) => v)));
  // A level's p95 is drawn only when it completed enough sessions for one (n >= 10/(1-0.95)).
  const latLevels = cap.levels.filter((l) => enoughSamples(l.completed, 0.95));
  const latAxis = niceAxis(Math.max(0, ...latLevels.map((l) => l.latencyP95Ms)) / 1000);
  const x = linear(0, nAxis.max, box.left, box.width - box.right);
  const y = linear(0, xAxisT.max, box.height - box.bottom, box.top);
  const yLat = linear(0, latAxis.max, box.height - box.bottom, box.top);
  const parts = [
    svgOpen('concurrency-sweep', 'Throughput vs concurrency with USL fit and knee', box),
    legend(
      [
        { label: `measured ${unit}`, color: color(0) },
        { label: 'USL fit', color: color(0), dashed: true },
        ...(latLevels.length === 0 ? [] : [{ label: 'p95 latency (s)', color: color(1) }]),
        { label: 'knee', color: color(2), dashed: true },
      ],
      box,
    ),
    yAxis('left', xAxisT, y, `throughput (${unit})`, box),
    latLevels.length === 0 ? '' : yAxis('right', latAxis, yLat, 'p95 latency (s)', box),
    xAxis(nAxis, x, 'concurrent sessions', box),
  ];
  if (curve.length > 0 && cap.usl !== null) {
    const d = curve.map(([n, v], i) => `${i === 0 ? 'M' : 'L'}${c(x(n))} ${c(y(v))}`).join('');
    parts.push(
      `<path data-series="usl" data-sigma="${cap.usl.sigma}" data-kappa="${cap.usl.kappa}" data-lambda="${cap.usl.lambda}" d="${d}" fill="none" stroke="${color(0)}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    );
  }
  if (latLevels.length > 0) {
    const lat = latLevels.map((l, i) => `${i === 0 ? 'M' : 'L'}${c(x(l.concurrency))} ${c(yLat(l.latencyP95Ms / 1000))}`).join('');
    parts.push(
      `<path data-series="p95" data-points="${latLevels.length}" d="${lat}" fill="none" stroke="${color(1)}" stroke-width="1.5"/>`,
    );
  }
  for (const l of cap.levels) {
    const p95 = enoughSamples(l.completed, 0.95) ? fmtValue(l.latencyP95Ms, 'ms') : `not shown (${tooFew(0.95)})`;
    const tip = `${num(l.concurrency)} concurrent: ${fmtValue(l.throughput, l.throughputUnit)}, p95 ${p95}, ${num(l.completed)} completed, ${num(l.errors)} errors`;
    parts.push(
      `<circle data-series="throughput" data-n="${l.concurrency}" data-value="${l.throughput}" cx="${c(x(l.concurrency))}" cy="${c(y(l.throughput))}" r="4" fill="${color(0)}"><title>${escapeHtml(tip)}</title></circle>`,
    );
    if (latLevels.includes(l))
      parts.push(
        `<circle data-series="p95" data-n="${l.concurrency}" data-value="${l.latencyP95Ms}" cx="${c(x(l.concurrency))}" cy="${c(yLat(l.latencyP95Ms / 1000))}" r="2.5" fill="${color(1)}"/>`,
      );
  }
  if (cap.knee !== null) {
    const kx = c(x(cap.knee.concurrency));
    parts.push(
      `<line data-series="knee" data-value="${cap.knee.concurrency}" x1="${kx}" x2="${kx}" y1="${box.top}" y2="${box.height - box.bottom}" stroke="${color(2)}" stroke-width="1.5" stroke-dasharray="4 3"/>`,
    );
    parts.push(`<text class="mark" x="${Number(kx) + 4}" y="${box.top + 12}">knee ${escapeHtml(num(cap.knee.concurrency))}</text>`);
  }
  if (cap.usl?.peakConcurrency != null && cap.usl.peakThroughput != null && cap.usl.peakConcurrency <= nAxis.max) {
    parts.push(
      `<circle data-series="usl-peak" data-value="${cap.usl.peakConcurrency}" cx="${c(x(cap.usl.peakConcurrency))}" cy="${c(y(cap.usl.peakThroughput))}" r="5" fill="none" stroke="${color(0)}" stroke-width="1.5"><title>${escapeHtml(`USL peak N* = ${num(cap.usl.peakConcurrency)}`)}</title></circle>`,
    );
  }
  parts.push('</svg>');
  const u = cap.usl;
  const fit =
    u === null
      ? 'no USL fit'
      : `USL σ = ${num(u.sigma)}, κ = ${num(u.kappa)}, λ = ${num(u.lambda)}, R² = ${num(u.r2)}${u.peakConcurrency === null ? '' : `, peak N* = ${num(u.peakConcurrency)}`}`;
  const knee =
    cap.knee === null
      ? 'no knee found'
      : `knee at ${num(cap.knee.concurrency)} sessions, ${fmtValue(cap.knee.throughput, unit)} (${cap.knee.method})`;
  const hidden = cap.levels.length - latLevels.length;
  const lat =
    hidden === 0
      ? ''
      : ` p95 latency not drawn for ${hidden} level(s) that completed fewer than ${num(minSamplesForPercentile(0.95))} sessions (a percentile from too few samples).`;
  return figure(
    parts.join(''),
    `<strong>Concurrency sweep</strong> (${escapeHtml(cap.scenario)}, ${cap.levels.length} levels): ${escapeHtml(knee)}; ${escapeHtml(fit)}.${escapeHtml(lat)}`,
    true,
  );
}
