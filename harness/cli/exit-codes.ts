import type { ErrorKind } from '../../engine/errors/index.js';
import { EXIT_CODES as RESULT_EXIT_CODES } from '../result/index.js';

/**
 * Process exit codes (README "Exit codes", docs/errors.md), under the CLI's names. The numbers
 * come from the RunResult contract's table, which is never renumbered: CI pipelines branch on
 * them.
 */
export const EXIT_CODES = {
  OK: RESULT_EXIT_CODES.ok,
  UNEXPECTED: RESULT_EXIT_CODES.unexpectedError,
  USAGE: RESULT_EXIT_CODES.invalidUsage,
  BUDGET_FAILED: RESULT_EXIT_CODES.budgetFailed,
  DATA_LOSS: RESULT_EXIT_CODES.dataLoss,
  REGRESSION: RESULT_EXIT_CODES.regression,
  UNTRUSTED: RESULT_EXIT_CODES.untrusted,
  /** SIGINT/SIGTERM stopped a run; its partial result was still written. Not 1: CI must tell a cancelled job from a crash. */
  INTERRUPTED: RESULT_EXIT_CODES.interrupted,
} as const;

export type CliExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The exit code of a LoadlabError, by the kind its code is registered with. */
export const EXIT_BY_KIND: Readonly<Record<ErrorKind, CliExitCode>> = {
  usage: EXIT_CODES.USAGE,
  config: EXIT_CODES.USAGE,
  infra: EXIT_CODES.UNEXPECTED,
  internal: EXIT_CODES.UNEXPECTED,
  'data-loss': EXIT_CODES.DATA_LOSS,
  interrupted: EXIT_CODES.INTERRUPTED,
};

/** What each code means, for the last line of a run and for docs/errors.md. */
export const EXIT_CODE_MEANINGS: Readonly<Record<CliExitCode, string>> = {
  0: 'all budgets met',
  1: 'unexpected error',
  2: 'invalid usage or configuration',
  3: 'a budget failed',
  4: 'data loss or an accounting invariant violated',
  5: 'regression against a baseline',
  6: 'results untrusted (a self-check or a calibration row failed: see the UNTRUSTED lines)',
  7: 'interrupted (SIGINT/SIGTERM); the partial result was written',
};
