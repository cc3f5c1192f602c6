/** The capacity model (concurrency sweep, knee, USL fit, Little's-law cross-check) as Markdown. */
import { minSamplesForPercentile, type CapacityModel } from '../../harness/result/index.js';
import { mdCode, mdText } from '../internal/escape.js';
import { fmtValue, num } from '../internal/format.js';
import { enoughSamples, tooFew } from '../internal/percentile.js';
import { anchors } from '../internal/select.js';
import { anchor, table } from './blocks.js';

/** A level's latency percentile, or "n<…" when the level completed too few sessions for it. */
function levelLatency(value: number | undefined, q: number, completed: number): string {
  if (value === undefined) return 'n/a';
  return enoughSamples(completed, q) ? fmtValue(value, 'ms') : mdText(tooFew(q));
}

function levelsTable(cap: CapacityModel): string {
  const rows = cap.levels.map((l) => [
    num(l.concurrency),
    fmtValue(l.throughput, l.throughputUnit),
    levelLatency(l.latencyP50Ms, 0.5, l.completed),
    levelLatency(l.latencyP95Ms, 0.95, l.completed),
    levelLatency(l.latencyP99Ms, 0.99, l.completed),
    num(l.completed),
    num(l.errors),
  ]);
  const hidden = cap.levels.some((l) => !enoughSamples(l.completed, l.latencyP99Ms === undefined ? 0.95 : 0.99));
  // Unlike a histogram, a level stores no max to show in place of a hidden percentile.
  const legend = hidden
    ? `\n\n_Latency percentiles of a level that completed fewer than 10/(1−q) sessions are not shown (p50 needs n ≥ ${num(minSamplesForPercentile(0.5))}, p95 ≥ ${num(minSamplesForPercentile(0.95))}, p99 ≥ ${num(minSamplesForPercentile(0.99))}); levels record no max._`
    : '';
  return `${table(['Concurrency', 'Throughput', 'Latency p50', 'p95', 'p99', 'Completed (n)', 'Errors'], rows, [0, 1, 2, 3, 4, 5, 6])}${legend}`;
}

function uslText(cap: CapacityModel): string {
  const u = cap.usl;
  if (u === null) return '_No Universal Scalability Law fit (too few levels or a poor fit)._';
  const peak =
    u.peakConcurrency === null
      ? 'κ = 0, so throughput has no retrograde region within the model'
      : `predicted peak at N* = ${num(u.peakConcurrency)} concurrent sessions${u.peakThroughput === null ? '' : ` (${num(u.peakThroughput)} sessions/s)`}`;
  return `**Universal Scalability Law:** X(N) = λN / (1 + σ(N−1) + κN(N−1)) fitted to ${cap.levels.length} levels: σ (contention) = ${num(u.sigma)}, κ (coherency) = ${num(u.kappa)}, λ = ${num(u.lambda)}, R² = ${num(u.r2)}; ${peak}.`;
}

function littleTable(cap: CapacityModel): string {
  if (cap.littlesLaw.length === 0) return '';
  const rows = cap.littlesLaw.map((l) => [
    num(l.concurrency),
    num(l.predicted),
    num(l.measured),
    `${num(l.relativeError * 100)}%`,
    l.ok ? '✅' : '❌',
  ]);
  return `**Little's law cross-check** (L = X · W from measured throughput and mean latency vs the concurrency held):\n\n${table(
    ['Concurrency', 'Predicted L', 'Measured L', 'Relative error', 'OK'],
    rows,
    [0, 1, 2, 3],
  )}`;
}

export function capacitySection(cap: CapacityModel | null, heading: string): string {
  const head = `### ${heading} Capacity model\n${anchor(anchors.capacity)}`;
  if (cap === null) return `${head}\n\n_No capacity model in this run: the concurrency sweep did not run, so no limit is projected._`;
  const knee =
    cap.knee === null
      ? '**Knee:** none found within the levels swept.'
      : `**Knee:** ${num(cap.knee.concurrency)} concurrent sessions at ${fmtValue(cap.knee.throughput, cap.levels[0]?.throughputUnit ?? 'sessions/s')} (${mdText(cap.knee.method)}).`;
  const projections = Object.entries(cap.projections).map(([name, c]) => `- ${mdCode(name)}: ${fmtValue(c.value, c.unit)}`);
  return [
    head,
    `Concurrency sweep of ${mdCode(cap.scenario)} ([evidence](#${anchors.scenario(cap.scenario)})); each level is a closed-model run of full sessions.`,
    cap.levels.length === 0 ? '_No levels recorded._' : levelsTable(cap),
    knee,
    uslText(cap),
    littleTable(cap),
    projections.length === 0 ? '' : `**Projections:**\n${projections.join('\n')}`,
  ]
    .filter((p) => p !== '')
    .join('\n\n');
}
