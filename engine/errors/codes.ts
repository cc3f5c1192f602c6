import { defineErrors } from './registry.js';

/**
 * Registry of the engine's stable error codes. A code is never renamed or reused; docs/errors.md
 * lists them and a test keeps the two in step.
 */
export const ENGINE_ERRORS = defineErrors({
  CONFIG_INVALID: ['LL_CONFIG_INVALID', 'config'],
  DB_UNREACHABLE: ['LL_DB_UNREACHABLE', 'infra'],
  /** Every pooled connection stayed busy past db.connectionTimeoutMs (saturation, not a dead server). */
  DB_POOL_TIMEOUT: ['LL_DB_POOL_TIMEOUT', 'infra'],
  DB_NOT_MIGRATED: ['LL_DB_NOT_MIGRATED', 'config'],
  MIGRATION_FAILED: ['LL_MIGRATION_FAILED', 'infra'],
  MIGRATION_CHECKSUM: ['LL_MIGRATION_CHECKSUM', 'infra'],
  OPTIMIZATION_UNKNOWN: ['LL_OPTIMIZATION_UNKNOWN', 'usage'],
  SESSION_NOT_FOUND: ['LL_SESSION_NOT_FOUND', 'usage'],
  SESSION_ALREADY_RUNNING: ['LL_SESSION_ALREADY_RUNNING', 'usage'],
  SESSION_MANAGER_CLOSED: ['LL_SESSION_MANAGER_CLOSED', 'usage'],
  // engine/api: the `error.code` of HTTP error responses (status in engine/api/errors.ts)
  API_BAD_REQUEST: ['LL_API_BAD_REQUEST', 'usage'],
  API_VALIDATION: ['LL_API_VALIDATION', 'usage'],
  API_MALFORMED_JSON: ['LL_API_MALFORMED_JSON', 'usage'],
  API_UNAUTHORIZED: ['LL_API_UNAUTHORIZED', 'usage'],
  API_NOT_FOUND: ['LL_API_NOT_FOUND', 'usage'],
  API_SESSION_STATE: ['LL_API_SESSION_STATE', 'usage'],
  API_PAYLOAD_TOO_LARGE: ['LL_API_PAYLOAD_TOO_LARGE', 'usage'],
  API_UNSUPPORTED_MEDIA_TYPE: ['LL_API_UNSUPPORTED_MEDIA_TYPE', 'usage'],
  API_RATE_LIMITED: ['LL_API_RATE_LIMITED', 'usage'],
  API_UNAVAILABLE: ['LL_API_UNAVAILABLE', 'infra'],
  API_INTERNAL: ['LL_API_INTERNAL', 'internal'],
  // seed/ (the seeder depends only on engine/, so its codes live here)
  SEED_PROFILE_UNKNOWN: ['LL_SEED_PROFILE_UNKNOWN', 'usage'],
  SEED_DATABASE_NOT_EMPTY: ['LL_SEED_DATABASE_NOT_EMPTY', 'config'],
  SEED_NO_PARTITIONS: ['LL_SEED_NO_PARTITIONS', 'config'],
  SEED_FK_VIOLATION: ['LL_SEED_FK_VIOLATION', 'internal'],
  // engine/llm (re-exported there as LLM_ERRORS)
  LLM_MOCK_PROFILE_UNKNOWN: ['LL_LLM_MOCK_PROFILE_UNKNOWN', 'usage'],
  LLM_MOCK_PROFILE_INVALID: ['LL_LLM_MOCK_PROFILE_INVALID', 'usage'],
  LLM_CONFIG_INVALID: ['LL_LLM_CONFIG_INVALID', 'config'],
  LLM_API_KEY_MISSING: ['LL_LLM_API_KEY_MISSING', 'config'],
  LLM_CALL_FAILED: ['LL_LLM_CALL_FAILED', 'infra'],
  LLM_EMBEDDING_FAILED: ['LL_LLM_EMBEDDING_FAILED', 'infra'],
  LLM_RATE_LIMIT_PRESET_UNKNOWN: ['LL_LLM_RATE_LIMIT_PRESET_UNKNOWN', 'usage'],
  LLM_RATE_LIMITS_INVALID: ['LL_LLM_RATE_LIMITS_INVALID', 'config'],
  // engine/deliberation (re-exported there as DELIBERATION_ERRORS)
  DELIBERATION_ABORTED: ['LL_DELIBERATION_ABORTED', 'internal'],
  DELIBERATION_SUBPROBLEM_FAILED: ['LL_DELIBERATION_SUBPROBLEM_FAILED', 'internal'],
  DELIBERATION_STATE_VERSION: ['LL_DELIBERATION_STATE_VERSION', 'internal'],
  // engine/checkpoint (re-exported there as CHECKPOINT_ERRORS)
  CHECKPOINT_LOST: ['LL_CHECKPOINT_LOST', 'internal'],
  SESSION_NOT_RESUMABLE: ['LL_SESSION_NOT_RESUMABLE', 'usage'],
  /** A failure that is not a LoadlabError (a bug): recorded on the session, never shown as a stack. */
  INTERNAL: ['LL_INTERNAL', 'internal'],
});

export type EngineErrorCode = (typeof ENGINE_ERRORS)[keyof typeof ENGINE_ERRORS];
