import type { BudgetOperator, Profile } from '../result/index.js';
import type { SelfCheckThresholds } from '../metrics/index.js';

/**
 * The statistic a budget checks. Histogram measurements offer all of them; a counter or ratio is
 * one number, so any stat reads its value (which lets `{ max: 0 }` on a counter read naturally).
 */
export const BUDGET_STATS = ['p50', 'p90', 'p95', 'p99', 'max', 'min', 'mean', 'count', 'value'] as const;
export type BudgetStat = (typeof BUDGET_STATS)[number];

/**
 * A threshold: "< 10ms", ">= 0.5", "<= 5%", "== 0", or a bare number. A bare number (or a string
 * without an operator) is an upper bound (<=), except for `min`, where it is a lower bound (>=).
 */
export type ThresholdExpr = string | number;

/** Per metric name, one or more stats with their thresholds. */
export type BudgetRule = Partial<Record<BudgetStat, ThresholdExpr>>;
export type BudgetSet = Record<string, BudgetRule>;

export interface LoadlabConfig {
  /** Budgets per profile; a profile without an entry has no budgets. */
  budgets?: Partial<Record<Profile, BudgetSet>>;
  /** Generator self-check limits (harness/metrics SELF_CHECK_DEFAULTS). */
  selfCheck?: Partial<SelfCheckThresholds>;
}

export type ThresholdUnit = 'ms' | 's' | 'us' | 'percent' | null;

export interface ParsedThreshold {
  operator: BudgetOperator;
  limit: number;
  /** Unit written in the threshold; null for a plain number. */
  unit: ThresholdUnit;
}

export interface ConfigError {
  /** Dotted path, e.g. "budgets.ci.query.list_sessions.p95". */
  path: string;
  message: string;
}
