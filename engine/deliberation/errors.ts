import { ENGINE_ERRORS } from '../errors/index.js';

/** engine/deliberation's slice of the one code registry (engine/errors/codes.ts). */
export const DELIBERATION_ERRORS = {
  ABORTED: ENGINE_ERRORS.DELIBERATION_ABORTED,
  SUBPROBLEM_FAILED: ENGINE_ERRORS.DELIBERATION_SUBPROBLEM_FAILED,
  STATE_VERSION: ENGINE_ERRORS.DELIBERATION_STATE_VERSION,
} as const;
