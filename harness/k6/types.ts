/**
 * The contract between `loadlab k6 export` and the k6 scripts: the `config.json` written next to
 * the bundled scripts, which they read with `open()` at init time. This file has no imports on
 * purpose: scenarios/k6 type-checks it with only the k6 types loaded (no Node types).
 */

/** The k6 scripts, one per HTTP scenario, plus `http-load` that runs all of them together. */
export const K6_SCRIPTS = ['list-sessions', 'session-detail', 'actions-by-tags', 'session-stream', 'http-load'] as const;
export type K6ScriptName = (typeof K6_SCRIPTS)[number];

/** Request names: the `name` tag of every request, and the suffix of the `http.<name>` budgets. */
export const K6_ENDPOINTS = [
  'list_sessions',
  'session_detail',
  'actions_by_tags',
  'create_session',
  'start_session',
  'stream_session',
  'health',
] as const;
export type K6EndpointName = (typeof K6_ENDPOINTS)[number];

/** One k6 arrival-rate scenario (open model: iterations start on schedule whatever the latency). */
export type K6Load =
  | { executor: 'constant-arrival-rate'; rate: number; timeUnit: string; duration: string; preAllocatedVUs: number; maxVUs: number }
  | {
      executor: 'ramping-arrival-rate';
      startRate: number;
      timeUnit: string;
      stages: { target: number; duration: string }[];
      preAllocatedVUs: number;
      maxVUs: number;
    };

/** Per script: the k6 scenarios it runs (keyed by the exported function they execute) and its thresholds. */
export interface K6ScriptConfig {
  /** exec function name -> load shape. */
  scenarios: Record<string, K6Load>;
  /** k6 `options.thresholds`, generated from the budgets (never edited by hand). */
  thresholds: Record<string, string[]>;
}

export interface K6Config {
  schemaVersion: 1;
  generatedBy: string;
  generatedAt: string;
  /** Base URL of a running `loadlab serve`, without a trailing slash. LOADLAB_TARGET overrides it. */
  target: string;
  /** Bearer tokens; VU n uses tokens[n % length]. LOADLAB_TOKEN (comma-separated) overrides them. */
  tokens: string[];
  /** Tag ids for the actions filter (AND semantics): the first 1..n of them per request. */
  tagIds: string[];
  /** How long the SSE stream request may stay open before k6 gives up (bo1's SSE read timeout). */
  streamTimeout: string;
  /** The engine variant (`loadlab serve --variant`) whose budgets the thresholds take. */
  variant: 'audited' | 'optimized';
  /** The budgets the thresholds came from, for the reader (loadlab metric -> stat -> threshold). */
  budgets: Record<string, Record<string, string | number>>;
  /** `<budget>.<stat>` that k6 cannot observe (engine internals, counts of a run): left out. */
  notInK6: string[];
  scripts: Record<K6ScriptName, K6ScriptConfig>;
}
