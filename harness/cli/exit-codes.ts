/**
 * Process exit codes (design/architecture.md). Never renumbered: CI pipelines branch on them.
 */
export const EXIT_CODES = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  BUDGET_FAILED: 3,
  DATA_LOSS: 4,
  REGRESSION: 5,
  UNTRUSTED: 6,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
