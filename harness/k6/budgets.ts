import type { BudgetSet } from '../budgets/index.js';

/**
 * Budgets only the k6 scripts can measure: the in-process `http-load` scenario (whose own budgets
 * are the source for listing, detail, actions, health and errors) does not create, start or
 * stream sessions, and has no checks. Names follow the k6 mapping (mapping.ts):
 * `http.<request name>` is the request's latency, `.ttfb` its time to first byte.
 */
export const K6_ONLY_BUDGETS = {
  // One INSERT; bo1 rate-limits creation, so latency, not throughput, is what users notice. Same
  // bar as bo1's API SLO (p95 < 500 ms, §9.3 in docs/audited-system.md) that http-load holds reads to.
  'http.create_session': { p95: '< 500ms' },
  // Claims the session and returns 202; the deliberation itself runs in the background.
  'http.start_session': { p95: '< 500ms' },
  // SSE headers are written right after the ownership check: a slow first byte means the stream
  // endpoint queues behind the deliberations it serves.
  'http.stream_session.ttfb': { p95: '< 1s' },
  // A whole deliberation streamed to its end; bo1's own load test stops reading after 120 s (§9.1).
  'http.stream_session': { p95: '< 120s' },
  // Response checks (status, body shape, stream ended with `complete`) pass for 99% or more.
  'http.checks': { value: '>= 99%' },
} as const satisfies BudgetSet;
