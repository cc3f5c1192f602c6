import type { RunResult } from '../result/index.js';
import { collectMetrics } from './metrics.js';
import { COMPARE_DEFAULTS, describeRule, judgeChange, type CompareOptions, type MetricChange } from './rule.js';

export interface CompareReport {
  rule: string;
  options: CompareOptions;
  /** Every metric present in both runs, regressions first. */
  changes: MetricChange[];
  regressions: MetricChange[];
  improvements: MetricChange[];
  onlyInBase: string[];
  onlyInNew: string[];
}

const ORDER: Record<MetricChange['verdict'], number> = { regression: 0, improvement: 1, 'within-noise': 2, unchanged: 3 };

/** Compares every metric the two runs share; metrics present in only one run are listed, not judged. */
export function compareRuns(base: RunResult, next: RunResult, options: Partial<CompareOptions> = {}): CompareReport {
  const o: CompareOptions = { ...COMPARE_DEFAULTS, ...options };
  const a = collectMetrics(base);
  const b = collectMetrics(next);
  const changes: MetricChange[] = [];
  for (const [key, m] of a) {
    const n = b.get(key);
    if (n !== undefined) changes.push(judgeChange(m, n, o));
  }
  changes.sort((x, y) => ORDER[x.verdict] - ORDER[y.verdict]);
  return {
    rule: describeRule(o),
    options: o,
    changes,
    regressions: changes.filter((c) => c.verdict === 'regression'),
    improvements: changes.filter((c) => c.verdict === 'improvement'),
    onlyInBase: [...a.keys()].filter((k) => !b.has(k)),
    onlyInNew: [...b.keys()].filter((k) => !a.has(k)),
  };
}
