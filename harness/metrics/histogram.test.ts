import { describe, expect, it } from 'vitest';
import { HISTOGRAM_RANGES, Histogram, Recorder, mergeHistograms, summarize } from './index.js';

describe('Histogram', () => {
  it('reads percentiles of 1..1000 ms within HDR precision and keeps exact min/max', () => {
    const h = new Histogram(HISTOGRAM_RANGES.latencyMs);
    for (let i = 1; i <= 1000; i++) h.record(i);
    const s = summarize(h);
    expect(s.count).toBe(1000);
    expect(s.min).toBe(1);
    expect(s.max).toBe(1000);
    expect(s.p50).toBeCloseTo(500, -1);
    expect(Math.abs(s.p99 - 990) / 990).toBeLessThan(0.002);
    expect(s.mean).toBeCloseTo(500.5, 0);
    expect(s.stdev).toBeGreaterThan(280);
    expect(s.unit).toBe('ms');
  });

  it('keeps sub-millisecond resolution', () => {
    const h = new Histogram();
    for (let i = 0; i < 100; i++) h.record(0.125);
    expect(h.summarize().p50).toBeCloseTo(0.125, 3);
  });

  it('clamps values past the stated range instead of throwing', () => {
    const h = new Histogram({ unit: 'ms', lowest: 1, highest: 100, digits: 2 });
    h.record(5_000);
    h.record(-3);
    expect(h.clamped).toBe(1);
    expect(h.summarize().max).toBe(100);
    expect(h.summarize().min).toBe(0);
  });

  it('merges workers, also across different resolutions', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 1; i <= 500; i++) a.record(i);
    for (let i = 501; i <= 1000; i++) b.record(i);
    const m = mergeHistograms([a, b]);
    expect(m.count).toBe(1000);
    expect(m.summarize().p50).toBeCloseTo(500, -1);
    const coarse = new Histogram({ unit: 'ms', lowest: 1, highest: 10_000, digits: 2 });
    coarse.add(m);
    expect(Math.abs(coarse.summarize().p90 - 900) / 900).toBeLessThan(0.02);
    expect(() => m.add(new Histogram(HISTOGRAM_RANGES.bytes))).toThrow(expect.objectContaining({ code: 'LL_METRIC_INVALID' }));
  });

  it('produces drawable buckets that add up to the count', () => {
    const h = new Histogram();
    for (let i = 1; i <= 100; i++) h.record(i / 10);
    const s = h.summarize({ buckets: true });
    expect(s.buckets?.reduce((n, b) => n + b.count, 0)).toBe(100);
    expect(s.buckets?.[0]?.le).toBeLessThanOrEqual(0.1);
  });

  it('back-fills the samples a stalled closed-loop client never sent', () => {
    const h = new Histogram();
    h.recordCorrected(100, 10);
    expect(h.count).toBe(10);
    expect(h.summarize().min).toBe(10);
    h.recordCorrected(5, 10);
    expect(h.count).toBe(11);
  });

  it('empty histogram summarises to zeros', () => {
    expect(new Histogram().summarize()).toMatchObject({ count: 0, p99: 0, max: 0 });
  });
});

describe('Recorder', () => {
  it('collects histograms, counters and ratios into measurements', async () => {
    const r = new Recorder();
    r.record('q', 2);
    r.record('q', 4);
    r.count('errors');
    r.count('errors', 2);
    r.set('heap', 1024, 'bytes');
    r.ratio('hit', { value: 50, unit: 'percent' });
    await r.time('slow', () => new Promise((res) => setTimeout(res, 5)));
    const m = r.toMeasurements();
    expect(m.histograms['q']?.count).toBe(2);
    expect(m.histograms['slow']?.min).toBeGreaterThanOrEqual(4);
    expect(m.counters['errors']).toEqual({ value: 3, unit: 'count' });
    expect(m.counters['heap']).toEqual({ value: 1024, unit: 'bytes' });
    expect(m.ratios['hit']?.value).toBe(50);
    expect(r.names()).toEqual(['q', 'slow']);
  });
});
