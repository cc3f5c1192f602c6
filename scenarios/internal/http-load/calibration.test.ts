import { describe, expect, it } from 'vitest';
import type { AutocannonCliResult } from '../../../harness/load/index.js';
import type { HistogramSummary } from '../../../harness/result/index.js';
import { calibrationRows, p50Verdict } from './calibration.js';
import type { ServerRound, WindowResult } from './server-round.js';

const summary = (p50: number, count = 240): HistogramSummary => ({
  count,
  min: p50 / 2,
  p50,
  p90: p50 * 1.5,
  p95: p50 * 2,
  p99: p50 * 3,
  max: p50 * 4,
  mean: p50,
  stdev: 0.1,
  unit: 'ms',
});

const cli = (p50: number, totalCount = 240): AutocannonCliResult => ({
  version: '8.0.0',
  flags: '-R 40 -c 5 -a 240 -C',
  latency: { p50, p90: p50 + 1, p97_5: p50 + 2, p99: p50 + 3, max: p50 + 5, mean: p50 + 0.5, totalCount },
  requests: totalCount,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
});

describe('p50Verdict', () => {
  it('is inside when every value of the CLI bucket keeps the ratio in bounds', () => {
    // 10.4 ms beside 10-11 ms: 0.95-1.04
    expect(p50Verdict(summary(10.4), cli(10))).toBe('inside');
  });
  it('is outside when the whole bucket puts the ratio below the bounds (the 2.2 vs 3 ms case)', () => {
    // 2.203 / 4 = 0.55 .. 2.203 / 3 = 0.73: all below 0.77
    expect(p50Verdict(summary(2.203), cli(3))).toBe('outside');
  });
  it('is undecidable when the bucket straddles a bound', () => {
    // 2.2 beside 2-3 ms: 0.73-1.10
    expect(p50Verdict(summary(2.2), cli(2))).toBe('undecidable');
  });
  it('needs enough samples on both sides', () => {
    expect(p50Verdict(summary(10.4, 10), cli(10))).toBe('too-few');
    expect(p50Verdict(summary(10.4), cli(10, 10))).toBe('too-few');
  });
});

describe('calibrationRows', () => {
  const round = (w: WindowResult): ServerRound => ({ variant: 'optimized', round: 0, pid: 1, warmupRequests: 0, windows: [w] });

  it("judges a repeated span on the repeat's figures and lists the first attempt with its figures", () => {
    const w: WindowResult = {
      endpoint: 'detail',
      load: { histogram: undefined as never, latency: summary(2.6, 480), requests: 480, failures: 0, requestsPerSec: 40 },
      cli: { kind: 'measured', result: cli(10) },
      calibrationLoad: summary(10.4),
      superseded: { load: summary(2.203), cli: { kind: 'measured', result: cli(3) }, cpuPressure: 41 },
    };
    const { rows, skipped } = calibrationRows([round(w)]);
    const p50 = rows.find((r) => r.statistic === 'p50');
    expect(p50?.loadlab).toBe(10.4);
    expect(p50?.independent).toBe(10.5);
    expect(p50?.withinBounds).toBe(true);
    const first = skipped.find((s) => s.subject.endsWith('(first attempt)'));
    expect(first?.reason).toContain('loadlab 2.203 ms');
    expect(first?.reason).toContain('3-4 ms');
    expect(first?.reason).toContain('ratio 0.63');
    expect(first?.reason).toContain('CPU pressure 41 %');
  });

  it('uses the whole window when the span was not repeated', () => {
    const w: WindowResult = {
      endpoint: 'listing',
      load: { histogram: undefined as never, latency: summary(6.8), requests: 240, failures: 0, requestsPerSec: 40 },
      cli: { kind: 'measured', result: cli(6) },
    };
    const { rows, skipped } = calibrationRows([round(w)]);
    expect(rows.find((r) => r.statistic === 'p50')?.loadlab).toBe(6.8);
    expect(skipped).toEqual([]);
  });
});
