import type { OptimizationName } from '../../../engine/migrate/index.js';

/**
 * The load tiers of the audit's §6.2 (2025-12-22) as runnable configurations: each tier's
 * recommended configuration, the load it is meant for, and what of it one machine cannot run.
 * Everything not in a tier's `engine` block stays as the audited system had it (variant
 * `audited`): the tiers are the audit's changes on top of the current system, not loadlab's
 * optimized variant.
 */
export type TierNumber = 1 | 2 | 3 | 4;

export const TIER_NUMBERS: readonly TierNumber[] = [1, 2, 3, 4];

export interface TierItem {
  /** The audit's recommendation, in its words. */
  item: string;
  /** How this run applies it, or why it cannot. */
  applied: string;
  measured: boolean;
}

export interface TierSpec {
  tier: TierNumber;
  /** The audit's band, for the report. */
  band: string;
  /**
   * Sessions/day offered as the tier's mean (before the peak-hour factor): the band's upper
   * bound, the load the configuration must carry before the next tier's is needed. Tier 4 has no
   * upper bound: twice its lower bound is offered, and says so.
   */
  sessionsPerDay: number;
  sessionCap: number;
  poolMax: number;
  optimizations: readonly OptimizationName[];
  /** A transaction-mode PgBouncer between the engine and PostgreSQL (tier 3 and up). */
  pooler: boolean;
  /**
   * Anthropic usage-tier preset the mock enforces (docs/llm-rate-limits.md). Load tier N is paired
   * with provider tier N: a service at a tier's volume has spent past that usage tier's threshold
   * within weeks, and pairing them keeps a verdict about the tier's configuration from being a
   * verdict about a provider account the service would have outgrown.
   */
  rateLimits: string;
  items: readonly TierItem[];
}

const INDEXES: TierItem = {
  item: 'missing indexes on session_events and api_costs',
  applied:
    'optimisations session-events-covering and api-costs-covering (the plain indexes already existed on 2025-12-22: docs/schema-deviations.md #8)',
  measured: true,
};
const CACHING: TierItem = {
  item: 'session-metadata caching',
  applied:
    "the engine's session-metadata cache is on (as in bo1); this load is whole sessions only, with no listing or SSE reads, so the cache is not exercised here: cache-effectiveness measures it (C17)",
  measured: false,
};
const PG_STAT: TierItem = {
  item: 'pg_stat_statements',
  applied:
    'monitoring, not capacity: whether the server has the extension available is recorded (capacity.tier.<n>.pg_stat_statements_available)',
  measured: false,
};
const POOL_150: TierItem = { item: 'DB pool 150', applied: 'db.poolMax 150 (clients of the pooler)', measured: true };
const CAP_100: TierItem = { item: 'session cap 100', applied: 'sessions.maxConcurrent 100', measured: true };
const PGBOUNCER: TierItem = {
  item: 'PgBouncer transaction pooling',
  applied:
    'a PgBouncer child in transaction mode between the engine and PostgreSQL when pgbouncer is installed (skipped, and said, when not)',
  measured: true,
};
const TASK_COUNT: TierItem = {
  item: 'denormalised task_count',
  applied: 'optimisation task-count (its trigger runs on every session_tasks write)',
  measured: true,
};
const PARTITIONS: TierItem = {
  item: 'api_costs partitioning',
  applied:
    'already in place: the 2025-12-22 schema partitions api_costs (and session_events, contributions) by month, so the baseline has it',
  measured: true,
};
const READ_REPLICAS: TierItem = {
  item: 'read replicas for reporting',
  applied: 'not measured: this load has no reporting reads, and a replica is a second server',
  measured: false,
};

export const TIERS: Readonly<Record<TierNumber, TierSpec>> = {
  1: {
    tier: 1,
    band: '< 100 sessions/day',
    sessionsPerDay: 100,
    sessionCap: 50,
    poolMax: 20,
    optimizations: [],
    pooler: false,
    rateLimits: 'tier-1',
    items: [
      { item: 'no changes: session cap 50, DB pool 20', applied: 'the audited configuration as it stood on 2025-12-22', measured: true },
    ],
  },
  2: {
    tier: 2,
    band: '100-1,000 sessions/day',
    sessionsPerDay: 1_000,
    sessionCap: 50,
    poolMax: 50,
    optimizations: ['session-events-covering', 'api-costs-covering'],
    pooler: false,
    rateLimits: 'tier-2',
    items: [{ item: 'DB pool 50', applied: 'db.poolMax 50', measured: true }, INDEXES, CACHING, PG_STAT],
  },
  3: {
    tier: 3,
    band: '1,000-10,000 sessions/day',
    sessionsPerDay: 10_000,
    sessionCap: 100,
    poolMax: 150,
    optimizations: ['session-events-covering', 'api-costs-covering', 'task-count'],
    pooler: true,
    rateLimits: 'tier-3',
    items: [CAP_100, POOL_150, PGBOUNCER, TASK_COUNT, PARTITIONS, READ_REPLICAS, INDEXES, CACHING, PG_STAT],
  },
  4: {
    tier: 4,
    band: '10,000+ sessions/day',
    sessionsPerDay: 20_000,
    sessionCap: 100,
    poolMax: 150,
    optimizations: ['session-events-covering', 'api-costs-covering', 'task-count'],
    pooler: true,
    rateLimits: 'tier-4',
    items: [
      {
        item: "tier 3's configuration",
        applied: "as tier 3 (cap 100, pool 150, PgBouncer, indexes, task_count), offered twice tier 4's lower bound",
        measured: true,
      },
      { item: 'multi-region deployment', applied: 'not measured: needs several regions', measured: false },
      { item: 'read replicas', applied: 'not measured: needs a second PostgreSQL server and a replication link', measured: false },
      { item: 'Redis cluster', applied: 'not measured: needs several Redis nodes; the run uses one Redis', measured: false },
      {
        item: 'LLM request queuing with priority tiers',
        applied: "not measured: the engine has no priority queue in front of the provider (the SDK's retries are all it has)",
        measured: false,
      },
      { item: 'database sharding', applied: 'not measured: needs several PostgreSQL servers', measured: false },
    ],
  },
};

/** The tier of a scenario param: 0 (no tier: the concurrency sweep) or 1-4. */
export function isTierNumber(n: number): n is TierNumber {
  return (TIER_NUMBERS as readonly number[]).includes(n);
}
