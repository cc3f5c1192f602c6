export { BUDGET_STATS } from './types.js';
export type {
  BudgetRule,
  BudgetSet,
  BudgetStat,
  ConfigError,
  LoadlabConfig,
  ParsedThreshold,
  ThresholdExpr,
  ThresholdUnit,
} from './types.js';
export { formatThreshold, parseThreshold } from './parse.js';
export { budgetsForProfile, defineConfig, loadConfig, resolveConfig, validateConfig } from './config.js';
export { evaluateBudgets, unevaluatedBudgets } from './evaluate.js';
export type { EvaluateOptions } from './evaluate.js';
export { toK6Threshold, toK6Thresholds } from './k6.js';
