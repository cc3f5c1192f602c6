import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../../harness/result/index.js';
import { optimisationFinding, p95Interval } from './report.js';

// A histogram of n samples whose p-th percentile is p itself (1..100), so ranks read off directly.
const uniform = (count: number) => ({ count, percentile: (p: number) => p });

describe('p95Interval', () => {
  it('reads the order statistics at n·0.95 ± 1.96·sqrt(n·0.95·0.05): ranks 183-197 of 200', () => {
    const iv = p95Interval(uniform(200));
    expect(iv).toEqual({ low: 91.5, high: 98.5, n: 200 });
  });

  it('narrows as samples grow, and says nothing from fewer than 20', () => {
    const wide = p95Interval(uniform(200))!;
    const narrow = p95Interval(uniform(20_000))!;
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
    expect(narrow.low).toBeLessThan(95);
    expect(narrow.high).toBeGreaterThan(95);
    expect(p95Interval(uniform(19))).toBeUndefined();
  });
});

const comparison = (before: number, after: number, rounds: [number, number]): Comparison => ({
  name: `q: baseline vs x (${before}/${after})`,
  metric: 'p95',
  unit: 'ms',
  better: 'lower',
  before: { variant: 'baseline', value: before },
  after: { variant: 'x', value: after },
  ratio: before / after,
  interval: { method: 'min-max', low: rounds[0], high: rounds[1], n: 4 },
});

describe('optimisationFinding', () => {
  it('presents a gain when a ratio stays above 1x in every round', () => {
    const f = optimisationFinding('task-count', [{ query: 'list_sessions', calls: 417, comparison: comparison(0.83, 0.6, [1.2, 1.5]) }])!;
    expect(f.measuredImpact.value).toBeCloseTo(417 * 0.23);
    expect(f.measuredImpact.summary).toMatch(
      /^95\.9 ms saved per 1,000 API requests: list_sessions p95 0\.83 → 0\.60 ms \(1\.38x, rounds 1\.20-1\.50x\) × 417 calls$/,
    );
    expect(f.recommendation).toMatch(/Measured gain 95\.9 ms/);
  });

  it('calls a negative saving noise when every ratio range includes 1x, not a loss', () => {
    const f = optimisationFinding('action-tags-tag-action', [
      { query: 'actions_tags_1', calls: 42, comparison: comparison(5.24, 5.54, [0.8, 1.1]) },
      { query: 'actions_tags_2', calls: 42, comparison: comparison(3.85, 4.18, [0.9, 1.05]) },
    ])!;
    expect(f.measuredImpact.value).toBeLessThan(0);
    expect(f.measuredImpact.summary).toMatch(
      /^no measurable p95 change at this data size \(-26\.5 ms per 1,000 API requests, but every ratio's per-round range includes 1x\)/,
    );
    expect(f.recommendation).toMatch(/No p95 change measurable at this size/);
    expect(f.priority).toBe('P3');
  });

  it('keeps a loss a loss when one query is slower in every round', () => {
    const f = optimisationFinding('cte-rewrite', [
      { query: 'actions_tags_1', calls: 42, comparison: comparison(5.24, 5.47, [0.9, 1.1]) },
      { query: 'actions_tags_3', calls: 42, comparison: comparison(2.93, 3.89, [0.7, 0.8]) },
    ])!;
    expect(f.measuredImpact.summary).toMatch(/^-50\.0 ms saved per 1,000 API requests/);
    expect(f.recommendation).toMatch(/No p95 gain measured at this size/);
  });
});
