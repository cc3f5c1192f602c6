import { defineErrors } from '../../engine/errors/registry.js';

/**
 * Registry of the harness's stable error codes. A code is never renamed or reused; docs/errors.md
 * lists them next to the engine's (engine/errors/codes.ts).
 */
export const HARNESS_ERRORS = defineErrors({
  RESULT_INVALID: ['LL_RESULT_INVALID', 'internal'],
  BUDGET_CONFIG_INVALID: ['LL_BUDGET_CONFIG_INVALID', 'config'],
  METRIC_INVALID: ['LL_METRIC_INVALID', 'internal'],
  EXPLAIN_FAILED: ['LL_EXPLAIN_FAILED', 'infra'],
  FAULT_HANDLE_MISSING: ['LL_FAULT_HANDLE_MISSING', 'internal'],
  FAULT_FAILED: ['LL_FAULT_FAILED', 'infra'],
  PROXY_LISTEN_FAILED: ['LL_PROXY_LISTEN_FAILED', 'infra'],
  LOAD_INVALID: ['LL_LOAD_INVALID', 'usage'],
  CAPACITY_INSUFFICIENT_DATA: ['LL_CAPACITY_INSUFFICIENT_DATA', 'usage'],
  // reports and compare
  REPORT_INPUT_MISSING: ['LL_REPORT_INPUT_MISSING', 'usage'],
  REPORT_INPUT_INVALID: ['LL_REPORT_INPUT_INVALID', 'usage'],
  REPORT_FORMAT_UNKNOWN: ['LL_REPORT_FORMAT_UNKNOWN', 'usage'],
  SCREENSHOT_FAILED: ['LL_SCREENSHOT_FAILED', 'infra'],
  // infra and CLI (lead)
  USAGE: ['LL_USAGE', 'usage'],
  /** LOADLAB_LOG_LEVEL names no log level. */
  LOG_LEVEL_INVALID: ['LL_LOG_LEVEL_INVALID', 'config'],
  /** SIGINT/SIGTERM stopped a run: the reason its scenarios abort (the partial result is still written). */
  INTERRUPTED: ['LL_INTERRUPTED', 'interrupted'],
  REDIS_SERVER_MISSING: ['LL_REDIS_SERVER_MISSING', 'config'],
  REDIS_START_FAILED: ['LL_REDIS_START_FAILED', 'infra'],
  REDIS_NOT_OWNED: ['LL_REDIS_NOT_OWNED', 'config'],
  PG_START_FAILED: ['LL_PG_START_FAILED', 'infra'],
  PG_NOT_OWNED: ['LL_PG_NOT_OWNED', 'config'],
  /** Tier 3 asked for a connection pooler and pgbouncer is not installed. */
  PGBOUNCER_MISSING: ['LL_PGBOUNCER_MISSING', 'config'],
  PGBOUNCER_START_FAILED: ['LL_PGBOUNCER_START_FAILED', 'infra'],
  /** The preflight estimate of a run's peak disk use exceeds the free space where the data lives. */
  DISK_INSUFFICIENT: ['LL_DISK_INSUFFICIENT', 'usage'],
  SCENARIO_INVALID: ['LL_SCENARIO_INVALID', 'config'],
  SCENARIO_UNKNOWN: ['LL_SCENARIO_UNKNOWN', 'usage'],
  SCENARIO_TIMEOUT: ['LL_SCENARIO_TIMEOUT', 'internal'],
  SCENARIO_ERROR: ['LL_SCENARIO_ERROR', 'internal'],
  DATA_LOSS: ['LL_DATA_LOSS', 'data-loss'],
  PROFILE_UNKNOWN: ['LL_PROFILE_UNKNOWN', 'usage'],
  CONFIG_LOAD_FAILED: ['LL_CONFIG_LOAD_FAILED', 'config'],
  // k6 export and clinic profiling
  K6_TARGET_INVALID: ['LL_K6_TARGET_INVALID', 'usage'],
  K6_EXPORT_FAILED: ['LL_K6_EXPORT_FAILED', 'internal'],
  CLINIC_MISSING: ['LL_CLINIC_MISSING', 'config'],
  PROFILE_TOOL_UNKNOWN: ['LL_PROFILE_TOOL_UNKNOWN', 'usage'],
  PROFILE_FAILED: ['LL_PROFILE_FAILED', 'infra'],
  // split from LOAD_INVALID: a shape a user gave vs what failed while generating load
  /** The load generator (autocannon, in process or as a CLI child) failed or is not installed. */
  LOAD_GENERATOR_FAILED: ['LL_LOAD_GENERATOR_FAILED', 'infra'],
  /** In-flight requests did not finish within the drain time after the load window. */
  LOAD_DRAIN_TIMEOUT: ['LL_LOAD_DRAIN_TIMEOUT', 'infra'],
  /** A server or engine child process (http-load, engine-crash) did not start or died. */
  SERVER_CHILD_FAILED: ['LL_SERVER_CHILD_FAILED', 'infra'],
  /** The engine under test answered a status a scenario does not expect, or left work unfinished. */
  TARGET_FAILED: ['LL_TARGET_FAILED', 'internal'],
  /** A fault schedule names an impossible time (split from FAULT_FAILED, which is a fault that failed). */
  FAULT_SCHEDULE_INVALID: ['LL_FAULT_SCHEDULE_INVALID', 'config'],
});

export type HarnessErrorCode = (typeof HARNESS_ERRORS)[keyof typeof HARNESS_ERRORS];

declare module '../../engine/errors/registry.js' {
  // The harness's codes join the engine's in ErrorCode (the type LoadlabError.code has).
  interface ErrorCodeRegistry {
    harness: HarnessErrorCode;
  }
}
