import type { TimeSeries } from '../../result/index.js';
import { HISTOGRAM_RANGES, Histogram } from '../../metrics/index.js';

interface Window {
  ok: number;
  errors: number;
  latency: Histogram;
}

/**
 * Per-window outcome counts and latency, keyed by completion time, so a scenario can chart error
 * rate and p95 around a fault instead of only reporting whole-run figures.
 */
export class WindowedStats {
  private readonly windows = new Map<number, Window>();
  constructor(
    private readonly t0: number,
    private readonly windowMs: number,
  ) {}

  record(latencyMs: number, ok: boolean, at: number = performance.now()): void {
    const idx = Math.max(0, Math.floor((at - this.t0) / this.windowMs));
    let w = this.windows.get(idx);
    if (w === undefined) {
      w = { ok: 0, errors: 0, latency: new Histogram(HISTOGRAM_RANGES.latencyMs) };
      this.windows.set(idx, w);
    }
    if (ok) w.ok++;
    else w.errors++;
    w.latency.record(latencyMs);
  }

  toSeries(): TimeSeries[] {
    const last = Math.max(-1, ...this.windows.keys());
    const throughput: TimeSeries = { name: 'throughput', unit: 'ops/s', points: [] };
    const errorRate: TimeSeries = { name: 'error rate', unit: 'percent', points: [] };
    const p95: TimeSeries = { name: 'p95', unit: 'ms', points: [] };
    for (let i = 0; i <= last; i++) {
      const w = this.windows.get(i);
      const t = i * this.windowMs;
      const n = w === undefined ? 0 : w.ok + w.errors;
      throughput.points.push({ t, value: (n * 1000) / this.windowMs });
      errorRate.points.push({ t, value: n === 0 ? 0 : ((w?.errors ?? 0) / n) * 100 });
      p95.points.push({ t, value: w === undefined ? 0 : w.latency.percentile(95) });
    }
    return [throughput, errorRate, p95];
  }
}
