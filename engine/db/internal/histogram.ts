import * as hdr from 'hdr-histogram-js';

/** Latency summary in milliseconds (microsecond resolution), never a bare mean. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** 1 µs .. 1 h at 3 significant digits: covers a pool checkout and a stuck connect alike. */
export function createLatencyHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

export function recordMs(h: hdr.Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export function summarize(h: hdr.Histogram): LatencySummary {
  const at = (p: number): number => h.getValueAtPercentile(p) / 1000;
  return { count: h.totalCount, p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: h.maxValue / 1000 };
}
