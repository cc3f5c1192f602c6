import * as hdr from 'hdr-histogram-js';
import type { HistogramBucket, HistogramSummary, Unit } from '../result/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';

/**
 * A stated range for a histogram (autocannon lib/histUtil.js does the same): HDR histograms store
 * integers, so values are scaled by 1/lowest before recording, and anything past `highest` is
 * clamped and counted instead of throwing in the middle of a load run.
 */
export interface HistogramRange {
  unit: Unit;
  /** Smallest distinguishable value, in `unit` (e.g. 0.001 ms = 1 µs). */
  lowest: number;
  /** Largest trackable value, in `unit`. */
  highest: number;
  /** Significant decimal digits kept (HDR precision); 3 = 0.1% relative error. */
  digits: 1 | 2 | 3 | 4 | 5;
}

export const HISTOGRAM_RANGES = {
  /** Latencies in ms from 1 µs to 10 min: covers a PK lookup and a whole deliberation. */
  latencyMs: { unit: 'ms', lowest: 0.001, highest: 600_000, digits: 3 },
  /** Microsecond timings (event-loop delay) up to 60 s. */
  latencyUs: { unit: 'us', lowest: 1, highest: 60_000_000, digits: 3 },
  bytes: { unit: 'bytes', lowest: 1, highest: 2 ** 40, digits: 2 },
  count: { unit: 'count', lowest: 1, highest: 1e9, digits: 3 },
} as const satisfies Record<string, HistogramRange>;

// 1-2-5 bucket bounds per decade: coarse enough to draw, fine enough to show a bimodal shape.
function bucketBounds(range: HistogramRange): number[] {
  const out: number[] = [];
  for (let decade = range.lowest; decade <= range.highest * 10; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const b = Number((decade * m).toPrecision(6));
      if (b <= range.highest) out.push(b);
    }
  }
  out.push(range.highest);
  return out;
}

export class Histogram {
  readonly range: HistogramRange;
  private readonly hist: hdr.Histogram;
  private readonly scale: number;
  private readonly bounds: number[];
  private readonly bucketCounts: number[];
  private exactMin = Number.POSITIVE_INFINITY;
  private exactMax = Number.NEGATIVE_INFINITY;
  /** Values above `range.highest`, recorded as `highest`. */
  clamped = 0;

  constructor(range: HistogramRange = HISTOGRAM_RANGES.latencyMs) {
    if (!(range.lowest > 0) || !(range.highest >= range.lowest * 2)) {
      throw new LoadlabError(HARNESS_ERRORS.METRIC_INVALID, `invalid histogram range ${range.lowest}..${range.highest}`);
    }
    this.range = range;
    this.scale = 1 / range.lowest;
    this.hist = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: Math.ceil(range.highest * this.scale),
      numberOfSignificantValueDigits: range.digits,
      autoResize: false,
    });
    this.bounds = bucketBounds(range);
    this.bucketCounts = new Array<number>(this.bounds.length).fill(0);
  }

  get count(): number {
    return this.hist.totalCount;
  }

  record(value: number, count = 1): void {
    if (!Number.isFinite(value)) return;
    let v = value < 0 ? 0 : value;
    if (v > this.range.highest) {
      this.clamped += count;
      v = this.range.highest;
    }
    this.hist.recordValueWithCount(Math.round(v * this.scale), count);
    if (v < this.exactMin) this.exactMin = v;
    if (v > this.exactMax) this.exactMax = v;
    this.bucketCounts[this.bucketIndex(v)]! += count;
  }

  /**
   * Records `value` and back-fills the samples a stalled client never sent (HDR's
   * recordValueWithExpectedInterval), for closed-loop clients that should have issued a request
   * every `expectedInterval`. Open-model drivers measure from the intended start and need no fill.
   */
  recordCorrected(value: number, expectedInterval: number): void {
    this.record(value);
    if (!(expectedInterval > 0) || value <= expectedInterval) return;
    // Bounded so a single huge stall cannot stall the recorder itself.
    const steps = Math.min(10_000, Math.floor(value / expectedInterval) - 1);
    for (let i = 1; i <= steps; i++) this.record(value - i * expectedInterval);
  }

  private bucketIndex(v: number): number {
    let lo = 0;
    let hi = this.bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= this.bounds[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Value at percentile p (0-100), in the range's unit. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    return this.hist.getValueAtPercentile(p) / this.scale;
  }

  /** Adds another histogram's values (autocannon aggregateResult merges workers this way). */
  add(other: Histogram): void {
    if (other.range.unit !== this.range.unit) {
      throw new LoadlabError(HARNESS_ERRORS.METRIC_INVALID, `cannot merge ${other.range.unit} into ${this.range.unit}`);
    }
    if (other.count === 0) return;
    if (other.scale === this.scale && other.range.highest <= this.range.highest) {
      this.hist.add(other.hist);
      other.bucketCounts.forEach((c, i) => {
        if (c > 0) this.bucketCounts[this.bucketIndex(other.bounds[i]!)]! += c;
      });
      this.exactMin = Math.min(this.exactMin, other.exactMin);
      this.exactMax = Math.max(this.exactMax, other.exactMax);
      this.clamped += other.clamped;
      return;
    }
    // Different resolutions: replay the other's percentile ladder; exact enough at 3 digits.
    const steps = 1000;
    const per = other.count / steps;
    for (let i = 1; i <= steps; i++) this.record(other.percentile((i / steps) * 100), Math.max(1, Math.round(per)));
  }

  reset(): void {
    this.hist.reset();
    this.bucketCounts.fill(0);
    this.exactMin = Number.POSITIVE_INFINITY;
    this.exactMax = Number.NEGATIVE_INFINITY;
    this.clamped = 0;
  }

  /** Frees the HDR buffers; only needed with WebAssembly histograms, harmless otherwise. */
  destroy(): void {
    this.hist.destroy();
  }

  summarize(opts: { buckets?: boolean } = {}): HistogramSummary {
    const unit = this.range.unit;
    if (this.count === 0) {
      return { count: 0, min: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0, stdev: 0, unit };
    }
    const s: HistogramSummary = {
      count: this.count,
      min: this.exactMin,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.exactMax,
      mean: this.hist.mean / this.scale,
      stdev: this.hist.stdDeviation / this.scale,
      unit,
    };
    if (opts.buckets === true) s.buckets = this.buckets();
    return s;
  }

  /** Non-empty buckets, trimmed to the recorded span, as {le, count}. */
  buckets(): HistogramBucket[] {
    const first = this.bucketCounts.findIndex((c) => c > 0);
    let last = this.bucketCounts.length - 1;
    while (last > 0 && this.bucketCounts[last] === 0) last--;
    if (first < 0) return [];
    return this.bounds.slice(first, last + 1).map((le, i) => ({ le, count: this.bucketCounts[first + i]! }));
  }
}

export function createHistogram(range: HistogramRange = HISTOGRAM_RANGES.latencyMs): Histogram {
  return new Histogram(range);
}

/** Free-function form of Histogram#summarize, for call sites that map over histograms. */
export function summarize(h: Histogram, opts: { buckets?: boolean } = {}): HistogramSummary {
  return h.summarize(opts);
}

/** A new histogram holding every value of the inputs; inputs are left untouched. */
export function mergeHistograms(hs: readonly Histogram[], range?: HistogramRange): Histogram {
  const out = new Histogram(range ?? hs[0]?.range ?? HISTOGRAM_RANGES.latencyMs);
  for (const h of hs) out.add(h);
  return out;
}
