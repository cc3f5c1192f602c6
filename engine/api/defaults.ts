/**
 * Defaults of the HTTP API. Sources: docs/audited-system.md §4.1 (routes), §7.3 (SSE keepalive, streaming
 * rate limit), §9.1 (the limits a load test meets from one user), issue 4 (1 MB body, 400/413).
 */
export const API_DEFAULTS = {
  /** Bodies above this answer 413 (issue 4). */
  bodyLimitBytes: 1_048_576,
  /**
   * Problem statements are capped: the optimized covering index INCLUDEs problem_statement and a
   * btree tuple holds at most ~2.7 KB, so a longer one would fail the INSERT (a 500). The cap is
   * applied to characters and to UTF-8 bytes.
   */
  problemMinChars: 10,
  problemMaxChars: 2_000,
  problemMaxBytes: 2_000,
  /** problem_context is stored as json; keep it small enough to never dominate a row. */
  problemContextMaxBytes: 16_384,
  /** Session listing: limit 1..100, default 10 (§2.1). */
  listDefaultLimit: 10,
  listMaxLimit: 100,
  /** Action listing: limit 1..500, default 100 (§2.3). */
  actionsDefaultLimit: 100,
  actionsMaxLimit: 500,
  /** Offsets beyond this are refused rather than sent to PostgreSQL as a huge scan. */
  maxOffset: 100_000,
  /** AND-filter over at most this many tags. */
  maxTagIds: 20,
  /** SSE keepalive comment interval (§7.3: 15 s). */
  heartbeatMs: 15_000,
  /** SSE `retry:` hint sent to clients on connect. */
  sseRetryMs: 3_000,
  /** How often an open stream re-reads the session status to notice a terminal state. */
  streamStatusCheckMs: 1_000,
  /**
   * Bearer token → user lookups are cached in process this long (0 disables): without it every
   * request would pay one extra query, which would dwarf the listing query being measured.
   */
  authCacheTtlMs: 30_000,
  authCacheMaxEntries: 10_000,
  /**
   * Per-user fixed-window rate limit in Redis, as bo1's middleware (§9.1: 180 req/min per client,
   * session create 5/min, streaming 30/min). Off by default: load scenarios measure the system,
   * not the limiter. Enable with `rateLimit.enabled`.
   */
  rateLimit: {
    enabled: false,
    windowMs: 60_000,
    max: 180,
    createSessionMax: 5,
    streamMax: 30,
  },
  /** Health probes give up after this long so /api/health answers while a dependency hangs. */
  healthTimeoutMs: 1_000,
} as const;

/** Rate limit settings with plain (non-literal) types, so callers can pass any values. */
export interface RateLimitSettings {
  enabled: boolean;
  windowMs: number;
  max: number;
  createSessionMax: number;
  streamMax: number;
}

/** Resolved API settings (API_DEFAULTS widened). */
export interface ApiSettings {
  bodyLimitBytes: number;
  problemMinChars: number;
  problemMaxChars: number;
  problemMaxBytes: number;
  problemContextMaxBytes: number;
  listDefaultLimit: number;
  listMaxLimit: number;
  actionsDefaultLimit: number;
  actionsMaxLimit: number;
  maxOffset: number;
  maxTagIds: number;
  heartbeatMs: number;
  sseRetryMs: number;
  streamStatusCheckMs: number;
  authCacheTtlMs: number;
  authCacheMaxEntries: number;
  rateLimit: RateLimitSettings;
  healthTimeoutMs: number;
}
