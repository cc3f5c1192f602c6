/**
 * harness/compare: noise-aware comparison of two RunResults (`loadlab compare`). Statistics live
 * here, in the harness, so reports stay pure formatting.
 */
export { compareRuns } from './compare-runs.js';
export type { CompareReport } from './compare-runs.js';
export { COMPARE_DEFAULTS, judgeChange } from './rule.js';
export type { ChangeVerdict, CompareOptions, MetricChange } from './rule.js';
export type { Metric, MetricKind } from './metrics.js';
export { bootstrapMedianDifference, median, orderStatisticRanks, seededRandom } from './stats.js';
export type { BootstrapOptions, Interval } from './stats.js';
export { formatCompareTable } from './table.js';
