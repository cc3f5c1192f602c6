import { describe, expect, it } from 'vitest';
import { buildSampleRun } from '../result/fixtures/sample-run.js';
import type { RunResult } from '../result/index.js';
import {
  COMPARE_DEFAULTS,
  bootstrapMedianDifference,
  compareRuns,
  formatCompareTable,
  judgeChange,
  median,
  seededRandom,
  type Metric,
} from './index.js';

const metric = (value: number, repeats?: number[], over: Partial<Metric> = {}): Metric => ({
  key: 'q.p95',
  kind: 'histogram',
  unit: 'ms',
  better: 'lower',
  value,
  ...(repeats === undefined ? {} : { repeats }),
  ...over,
});

// Synthetic repeat samples: a noisy ~1.2 ms p95 and the same 3x slower.
const BASE = [1.12, 1.16, 1.19, 1.15, 1.21];
const SLOW = BASE.map((x) => x * 3);

describe('statistics', () => {
  it('median handles odd, even and empty input', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('the generator and so the bootstrap are reproducible from the seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    const o = { resamples: 500, confidence: 0.95, seed: 3 };
    expect(bootstrapMedianDifference(BASE, SLOW, o)).toEqual(bootstrapMedianDifference(BASE, SLOW, o));
  });

  it('the bootstrap interval of a clear shift excludes zero; of identical groups it is zero', () => {
    const o = { resamples: 1000, confidence: 0.95, seed: 1 };
    expect(bootstrapMedianDifference(BASE, SLOW, o).low).toBeGreaterThan(0);
    expect(bootstrapMedianDifference(BASE, BASE, o)).toMatchObject({ estimate: 0 });
  });
});

describe('judgeChange', () => {
  it('identical inputs are no regression, with and without repeats', () => {
    expect(judgeChange(metric(1.16, BASE), metric(1.16, BASE), COMPARE_DEFAULTS).verdict).toBe('unchanged');
    expect(judgeChange(metric(1.16), metric(1.16), COMPARE_DEFAULTS).verdict).toBe('unchanged');
  });

  it('a clear 3x slowdown is a regression, with repeats (bootstrap) and without (floors)', () => {
    const withRepeats = judgeChange(metric(1.16, BASE), metric(3.48, SLOW), COMPARE_DEFAULTS);
    expect(withRepeats).toMatchObject({ verdict: 'regression', method: 'bootstrap' });
    expect(withRepeats.interval?.low).toBeGreaterThan(0);
    expect(judgeChange(metric(1.16), metric(3.48), COMPARE_DEFAULTS)).toMatchObject({ verdict: 'regression', method: 'floors' });
  });

  it('a 3x speed-up is an improvement, never a regression', () => {
    expect(judgeChange(metric(3.48, SLOW), metric(1.16, BASE), COMPARE_DEFAULTS).verdict).toBe('improvement');
  });

  it('a small noisy change under the floors is not a regression', () => {
    const noisy = [1.06, 1.12, 1.0, 1.1, 1.04];
    expect(judgeChange(metric(1.02, [1.0, 1.1, 0.95, 1.05, 1.02]), metric(1.06, noisy), COMPARE_DEFAULTS).verdict).toBe('within-noise');
    expect(judgeChange(metric(1.0), metric(1.05), COMPARE_DEFAULTS).verdict).toBe('within-noise');
  });

  it('a large relative change under the absolute floor is not a regression (0.1 ms -> 0.3 ms)', () => {
    expect(judgeChange(metric(0.1), metric(0.3), COMPARE_DEFAULTS).verdict).toBe('within-noise');
    expect(judgeChange(metric(0.1), metric(0.3), { ...COMPARE_DEFAULTS, absFloorMs: 0.1 }).verdict).toBe('regression');
  });

  it('a large median shift whose repeats overlap is noise: the interval includes zero', () => {
    const c = judgeChange(metric(12, [10, 30, 12, 28, 11]), metric(29, [14, 31, 13, 35, 29]), COMPARE_DEFAULTS);
    expect(c.verdict).toBe('within-noise');
    expect(c.interval?.low).toBeLessThan(0);
  });

  it('respects the direction: a throughput drop regresses, a rise does not', () => {
    const tp = (v: number): Metric => metric(v, undefined, { unit: 'req/s', better: 'higher' });
    expect(judgeChange(tp(1000), tp(500), COMPARE_DEFAULTS).verdict).toBe('regression');
    expect(judgeChange(tp(1000), tp(1500), COMPARE_DEFAULTS).verdict).toBe('improvement');
  });

  it('a budget that passed and now fails is a regression whatever the floors say', () => {
    const b = (measured: number, passed: boolean): Metric =>
      metric(measured, undefined, { kind: 'budget', better: null, unit: 'count', passed });
    expect(judgeChange(b(0, true), b(1, false), COMPARE_DEFAULTS)).toMatchObject({ verdict: 'regression', method: 'budget-status' });
    expect(judgeChange(b(0, true), b(0, true), COMPARE_DEFAULTS).verdict).toBe('unchanged');
  });
});

function withRepeats(run: RunResult, factor: number): RunResult {
  const copy = structuredClone(run);
  const h = copy.scenarios.find((s) => s.name === 'query-latency')?.measurements.histograms['query.list_sessions.task_count'];
  if (h === undefined) throw new Error('fixture changed: query.list_sessions.task_count missing');
  h.repeats = BASE.map((x) => Number((x * factor).toFixed(3)));
  h.p95 = Number((h.p95 * factor).toFixed(3));
  return copy;
}

describe('compareRuns on the fixture', () => {
  it('two identical runs have no regression', () => {
    const run = buildSampleRun();
    const report = compareRuns(run, structuredClone(run));
    expect(report.regressions).toEqual([]);
    expect(report.changes.length).toBeGreaterThan(50);
    expect(report.onlyInBase).toEqual([]);
  });

  it('names the one p95 tripled in every repeat, and only it', () => {
    const base = withRepeats(buildSampleRun(), 1);
    const report = compareRuns(base, withRepeats(buildSampleRun(), 3));
    expect(report.regressions.map((r) => r.key)).toEqual(['query-latency/query.list_sessions.task_count.p95']);
    expect(formatCompareTable(report, true)).toMatch(/query\.list_sessions\.task_count\.p95 .* REGRESSION/);
  });
});

describe('percentiles read from histograms, without repeats', () => {
  const hist = (values: number[]): { le: number; count: number }[] => {
    const m = new Map<number, number>();
    for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
    return [...m.entries()].map(([le, count]) => ({ le, count }));
  };
  const metric = (value: number, buckets: { le: number; count: number }[], q: number) => ({
    key: 'q',
    kind: 'histogram' as const,
    unit: 'ms' as const,
    better: 'lower' as const,
    value,
    distribution: { buckets, q },
  });

  it('a p99 of 100 samples that moves by noise is not a regression', async () => {
    const { judgeChange, COMPARE_DEFAULTS } = await import('./rule.js');
    const base = hist([...Array.from({ length: 98 }, (_, i) => 2 + (i % 5)), 20, 40]);
    const next = hist([...Array.from({ length: 98 }, (_, i) => 2 + (i % 5)), 35, 60]);
    expect(judgeChange(metric(20, base, 0.99), metric(35, next, 0.99), COMPARE_DEFAULTS).verdict).toBe('within-noise');
  });

  it('a p50 of 1,000 samples that triples is a regression', async () => {
    const { judgeChange, COMPARE_DEFAULTS } = await import('./rule.js');
    const base = hist(Array.from({ length: 1000 }, (_, i) => 2 + (i % 3)));
    const next = hist(Array.from({ length: 1000 }, (_, i) => 8 + (i % 3)));
    const change = judgeChange(metric(3, base, 0.5), metric(9, next, 0.5), COMPARE_DEFAULTS);
    expect(change.verdict).toBe('regression');
    expect(change.method).toBe('quantile-interval');
  });
});
