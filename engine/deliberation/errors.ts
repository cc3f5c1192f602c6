/** Error codes of engine/deliberation (`LL_` scheme of engine/errors; listed in docs/errors.md). */
export const DELIBERATION_ERRORS = {
  ABORTED: 'LL_DELIBERATION_ABORTED',
  SUBPROBLEM_FAILED: 'LL_DELIBERATION_SUBPROBLEM_FAILED',
} as const;
