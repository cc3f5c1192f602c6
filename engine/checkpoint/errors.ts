import { ENGINE_ERRORS } from '../errors/index.js';

/** engine/checkpoint's slice of the one code registry (engine/errors/codes.ts). */
export const CHECKPOINT_ERRORS = {
  LOST: ENGINE_ERRORS.CHECKPOINT_LOST,
  NOT_RESUMABLE: ENGINE_ERRORS.SESSION_NOT_RESUMABLE,
} as const;
