import { seededRandom } from '../../engine/random/index.js';

export { seededRandom };

/**
 * Statistics for noise-aware comparison of repeated measurements. Pure and deterministic: the
 * bootstrap draws from a seeded generator, so the same two runs always give the same verdict.
 */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Linear-interpolated quantile of sorted values (q in [0, 1]). */
function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

export interface BootstrapOptions {
  resamples: number;
  /** Two-sided confidence level, e.g. 0.95. */
  confidence: number;
  seed: number;
}

export interface Interval {
  /** The observed difference median(next) - median(base). */
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  resamples: number;
}

function resampleMedian(xs: readonly number[], rand: () => number): number {
  const draw = Array.from({ length: xs.length }, () => xs[Math.floor(rand() * xs.length)] ?? Number.NaN);
  return median(draw);
}

/**
 * Percentile bootstrap interval of median(next) - median(base), resampling each group
 * independently. With a handful of repeats the interval is coarse but honest: it excludes 0 only
 * when the groups barely overlap.
 */
export function bootstrapMedianDifference(base: readonly number[], next: readonly number[], o: BootstrapOptions): Interval {
  const rand = seededRandom(o.seed);
  const diffs = Array.from({ length: o.resamples }, () => resampleMedian(next, rand) - resampleMedian(base, rand));
  diffs.sort((a, b) => a - b);
  const tail = (1 - o.confidence) / 2;
  return {
    estimate: median(next) - median(base),
    low: quantileSorted(diffs, tail),
    high: quantileSorted(diffs, 1 - tail),
    confidence: o.confidence,
    resamples: o.resamples,
  };
}

/**
 * The 1-based ranks of the order statistics that bound the true q-quantile of n samples with the
 * given confidence: n·q ± z·sqrt(n·q·(1−q)), clamped to 1..n (183 and 197 for p95 of 200).
 */
export function orderStatisticRanks(n: number, q: number, confidence = 0.95): { rankLow: number; rankHigh: number } {
  const z = confidence >= 0.99 ? 2.576 : confidence >= 0.95 ? 1.96 : 1.645;
  const half = z * Math.sqrt(n * q * (1 - q));
  return { rankLow: Math.max(1, Math.floor(n * q - half)), rankHigh: Math.min(n, Math.ceil(n * q + half)) };
}

export interface QuantileBucket {
  le: number;
  count: number;
}

/**
 * Distribution-free confidence interval of a quantile from a bucketed sample (the histogram's
 * own buckets): the ranks n·q ± z·sqrt(n·q·(1−q)) of the order statistics bound the true
 * quantile, so a p99 of 200 samples gets the wide interval it deserves and a p50 of 20,000 a
 * narrow one. Returns null without enough samples to say anything.
 */
export function quantileInterval(buckets: readonly QuantileBucket[], q: number, confidence = 0.95): { low: number; high: number } | null {
  const n = buckets.reduce((a, b) => a + b.count, 0);
  if (n < 10) return null;
  const { rankLow, rankHigh } = orderStatisticRanks(n, q, confidence);
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const valueAt = (rank: number): number => {
    let cum = 0;
    for (const b of sorted) {
      cum += b.count;
      if (cum >= rank) return b.le;
    }
    return sorted.at(-1)?.le ?? Number.NaN;
  };
  return { low: valueAt(rankLow), high: valueAt(rankHigh) };
}
