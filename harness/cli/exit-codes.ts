import { EXIT_CODES as RESULT_EXIT_CODES } from '../result/index.js';

/**
 * Process exit codes (design/architecture.md), under the CLI's names. The numbers come from the
 * RunResult contract's single table, which is never renumbered: CI pipelines branch on them.
 */
export const EXIT_CODES = {
  OK: RESULT_EXIT_CODES.ok,
  UNEXPECTED: RESULT_EXIT_CODES.unexpectedError,
  USAGE: RESULT_EXIT_CODES.invalidUsage,
  BUDGET_FAILED: RESULT_EXIT_CODES.budgetFailed,
  DATA_LOSS: RESULT_EXIT_CODES.dataLoss,
  REGRESSION: RESULT_EXIT_CODES.regression,
  UNTRUSTED: RESULT_EXIT_CODES.untrusted,
} as const;
