import { describe, expect, it } from 'vitest';
import { p95Interval } from './report.js';

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
