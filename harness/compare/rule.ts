/**
 * The noise-aware regression rule. A change fails CI only when it is large in both relative and
 * absolute terms (so a 0.1 ms query that becomes 0.2 ms, or a 30 s session 2% slower, does not),
 * and, when both runs repeated the measurement, when the bootstrap interval of the difference of
 * medians excludes zero (so run-to-run noise alone does not).
 */
import type { Unit } from '../result/index.js';
import type { Metric, MetricKind } from './metrics.js';
import { bootstrapMedianDifference, median, quantileInterval, type Interval } from './stats.js';

export interface CompareOptions {
  /** Minimum relative worsening, as a fraction of the base value (0.1 = 10%). */
  relFloor: number;
  /** Minimum absolute worsening for time metrics, in milliseconds (scaled for µs and s). */
  absFloorMs: number;
  /** Repeats each run needs before the bootstrap is used. */
  minRepeats: number;
  confidence: number;
  resamples: number;
  seed: number;
}

export const COMPARE_DEFAULTS: Readonly<CompareOptions> = Object.freeze({
  relFloor: 0.1,
  absFloorMs: 0.5,
  // Below 3 repeats a bootstrap interval of a median says nothing useful.
  minRepeats: 3,
  confidence: 0.95,
  resamples: 2000,
  seed: 1,
});

export type ChangeVerdict = 'regression' | 'improvement' | 'within-noise' | 'unchanged';

export interface MetricChange {
  key: string;
  kind: MetricKind;
  unit: Unit;
  better: Metric['better'];
  base: number | null;
  next: number | null;
  /** next - base (medians of repeats with the bootstrap method). */
  delta: number | null;
  /** delta / |base|; null when base is 0 or missing. */
  relative: number | null;
  method: 'bootstrap' | 'quantile-interval' | 'floors' | 'budget-status';
  interval?: Interval;
  verdict: ChangeVerdict;
  reason: string;
}

/** The absolute floor in the metric's own unit; non-time units rely on the relative floor. */
export function absoluteFloor(unit: Unit, o: CompareOptions): number {
  if (unit === 'ms') return o.absFloorMs;
  if (unit === 'us') return o.absFloorMs * 1000;
  if (unit === 's') return o.absFloorMs / 1000;
  return 0;
}

export function describeRule(o: CompareOptions): string {
  return [
    `A metric regresses when it gets worse by more than ${o.relFloor * 100}% AND by more than ${o.absFloorMs} ms`,
    '(absolute floor for time units; other units use the relative floor only).',
    `When both runs hold at least ${o.minRepeats} repeats, the ${o.confidence * 100}% bootstrap interval (${o.resamples} resamples)`,
    'of the difference of medians must also exclude zero. Without repeats, a percentile read from a histogram must also',
    'leave its own 95% sampling interval (order-statistic ranks of the recorded distribution) — the new interval entirely above the base one;',
    'A histogram percentile without buckets is judged by the two floors alone; other single values (budget measurements, comparison results)',
    'are shown but cannot fail CI by themselves.',
    'A budget that passed in the base and fails in the new run is a regression.',
  ].join(' ');
}

function exceedsFloors(worse: number, ref: number, abs: number, o: CompareOptions): boolean {
  return worse > abs && worse > o.relFloor * Math.abs(ref);
}

function relative(delta: number, base: number): number | null {
  return base === 0 ? null : delta / Math.abs(base);
}

export function judgeChange(base: Metric, next: Metric, o: CompareOptions): MetricChange {
  const head = { key: base.key, kind: base.kind, unit: base.unit, better: base.better, base: base.value, next: next.value };
  if (base.kind === 'budget' && base.passed === true && next.passed === false) {
    const delta = base.value === null || next.value === null ? null : next.value - base.value;
    return {
      ...head,
      delta,
      relative: delta === null || base.value === null ? null : relative(delta, base.value),
      method: 'budget-status',
      verdict: 'regression',
      reason: 'budget passed in the base run and fails in the new run',
    };
  }
  if (base.value === null || next.value === null || base.better === null) {
    const same = base.value === next.value && base.passed === next.passed;
    return {
      ...head,
      delta: null,
      relative: null,
      method: 'budget-status',
      verdict: same ? 'unchanged' : 'within-noise',
      reason: base.better === null ? 'judged by pass/fail status only' : 'value missing in one run',
    };
  }
  const sign = base.better === 'lower' ? 1 : -1;
  const abs = absoluteFloor(base.unit, o);
  const br = base.repeats ?? [];
  const nr = next.repeats ?? [];
  if (br.length >= o.minRepeats && nr.length >= o.minRepeats) {
    const iv = bootstrapMedianDifference(br, nr, o);
    const ref = median(br);
    const worse = sign * iv.estimate;
    // The interval oriented so that positive means worse.
    const [lo, hi] = sign === 1 ? [iv.low, iv.high] : [-iv.high, -iv.low];
    const common = { ...head, delta: iv.estimate, relative: relative(iv.estimate, ref), method: 'bootstrap' as const, interval: iv };
    if (exceedsFloors(worse, ref, abs, o) && lo > 0)
      return { ...common, verdict: 'regression', reason: 'worse beyond both floors and the interval excludes zero' };
    if (exceedsFloors(-worse, ref, abs, o) && hi < 0)
      return { ...common, verdict: 'improvement', reason: 'better beyond both floors and the interval excludes zero' };
    if (iv.estimate === 0 && base.value === next.value)
      return { ...common, verdict: 'unchanged', reason: 'same value and median of repeats' };
    return {
      ...common,
      verdict: 'within-noise',
      reason: lo > 0 || hi < 0 ? 'significant but below the floors' : 'the interval includes zero',
    };
  }
  const delta = next.value - base.value;
  const worse = sign * delta;
  if (base.distribution !== undefined && next.distribution !== undefined) {
    const bi = quantileInterval(base.distribution.buckets, base.distribution.q);
    const ni = quantileInterval(next.distribution.buckets, next.distribution.q);
    if (bi !== null && ni !== null) {
      const common = { ...head, delta, relative: relative(delta, base.value), method: 'quantile-interval' as const };
      // Lower is better for latency histograms: worse means the new interval sits above the base one.
      const separatedWorse = sign === 1 ? ni.low > bi.high : ni.high < bi.low;
      const separatedBetter = sign === 1 ? ni.high < bi.low : ni.low > bi.high;
      if (exceedsFloors(worse, base.value, abs, o) && separatedWorse)
        return { ...common, verdict: 'regression', reason: 'worse beyond both floors and outside the sampling interval' };
      if (exceedsFloors(-worse, base.value, abs, o) && separatedBetter)
        return { ...common, verdict: 'improvement', reason: 'better beyond both floors and outside the sampling interval' };
      return {
        ...common,
        verdict: delta === 0 ? 'unchanged' : 'within-noise',
        reason: delta === 0 ? 'identical' : 'within the floors or the sampling intervals overlap',
      };
    }
  }
  const common = { ...head, delta, relative: relative(delta, base.value), method: 'floors' as const };
  // A single number with no repeats and no recorded distribution (a budget's measured value, the
  // "after" side of a comparison) cannot be told apart from run-to-run noise: it is shown, and a
  // budget still regresses when it flips from pass to fail (above), but it does not fail CI alone.
  if (base.kind !== 'histogram') {
    const beyond = exceedsFloors(worse, base.value, abs, o) || exceedsFloors(-worse, base.value, abs, o);
    return {
      ...common,
      verdict: delta === 0 ? 'unchanged' : 'within-noise',
      reason:
        delta === 0
          ? 'identical'
          : beyond
            ? 'single value without repeats or a distribution: shown, not judged'
            : 'no repeats: change below the floors',
    };
  }
  if (exceedsFloors(worse, base.value, abs, o)) return { ...common, verdict: 'regression', reason: 'no repeats: worse beyond both floors' };
  if (exceedsFloors(-worse, base.value, abs, o))
    return { ...common, verdict: 'improvement', reason: 'no repeats: better beyond both floors' };
  return {
    ...common,
    verdict: delta === 0 ? 'unchanged' : 'within-noise',
    reason: delta === 0 ? 'identical' : 'no repeats: change below the floors',
  };
}
