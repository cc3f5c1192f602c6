import type { Counter, Measurements, RatioMeasurement, Unit } from '../result/index.js';
import { HISTOGRAM_RANGES, Histogram } from './histogram.js';
import type { HistogramRange } from './histogram.js';

/**
 * Named histograms and counters for one scenario. A scenario records into it while it runs and
 * turns it into RunResult `measurements` at the end; nothing is summarised until then.
 */
export class Recorder {
  private readonly histograms = new Map<string, Histogram>();
  private readonly counters = new Map<string, Counter>();
  private readonly ratios = new Map<string, RatioMeasurement>();

  /** Returns the histogram for `name`, creating it with `range` on first use. */
  histogram(name: string, range: HistogramRange = HISTOGRAM_RANGES.latencyMs): Histogram {
    let h = this.histograms.get(name);
    if (h === undefined) {
      h = new Histogram(range);
      this.histograms.set(name, h);
    }
    return h;
  }

  record(name: string, value: number, range?: HistogramRange): void {
    this.histogram(name, range).record(value);
  }

  /** Measures an async call from start to settle into `name` (ms); failures are recorded too. */
  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.record(name, performance.now() - t0);
    }
  }

  count(name: string, n = 1, unit: Unit = 'count'): void {
    const c = this.counters.get(name);
    if (c === undefined) this.counters.set(name, { value: n, unit });
    else c.value += n;
  }

  /** Sets a gauge-like value (last write wins), e.g. heap bytes after drain. */
  set(name: string, value: number, unit: Unit): void {
    this.counters.set(name, { value, unit });
  }

  ratio(name: string, r: RatioMeasurement): void {
    this.ratios.set(name, r);
  }

  names(): string[] {
    return [...this.histograms.keys()];
  }

  toMeasurements(opts: { buckets?: boolean } = {}): Measurements {
    const m: Measurements = { histograms: {}, counters: {}, ratios: {} };
    for (const [name, h] of this.histograms) m.histograms[name] = h.summarize(opts);
    for (const [name, c] of this.counters) m.counters[name] = { ...c };
    for (const [name, r] of this.ratios) m.ratios[name] = { ...r };
    return m;
  }
}
