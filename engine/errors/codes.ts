/**
 * Registry of the engine's stable error codes. A code is never renamed or reused; docs/errors.md
 * lists them and a test keeps the two in step.
 */
export const ENGINE_ERRORS = {
  CONFIG_INVALID: 'LL_CONFIG_INVALID',
  DB_UNREACHABLE: 'LL_DB_UNREACHABLE',
  DB_NOT_MIGRATED: 'LL_DB_NOT_MIGRATED',
  MIGRATION_FAILED: 'LL_MIGRATION_FAILED',
  MIGRATION_CHECKSUM: 'LL_MIGRATION_CHECKSUM',
  OPTIMIZATION_UNKNOWN: 'LL_OPTIMIZATION_UNKNOWN',
} as const;

export type EngineErrorCode = (typeof ENGINE_ERRORS)[keyof typeof ENGINE_ERRORS];
