import { about, atMost, holds, within } from './internal/bounds.js';
import { CONTRIBUTION_BYTES, LATENCY_SPREAD, LLM_LATENCY, PERSONAS, ROUNDS, SESSIONS_PER_DAY, SUB_PROBLEMS } from './internal/constants.js';
import { defineClaim, type ClaimSpec } from './internal/spec.js';

/**
 * Where the audit called an index "missing" that the 2025-12-22 schema already had in plain form
 * (docs/schema-deviations.md #8): the claimed speed-up assumed no index at all, so it cannot be
 * confirmed or refuted; what the recommended covering variant still changes is measured beside it.
 */
const INDEX_EXISTED = 'docs/schema-deviations.md #8; docs/audited-system.md §1.9';

/** The §6.2 tiers are daily volumes; a tier must carry its busiest hour, so every tier claim depends on this. */
const PEAK_HOUR_FACTOR = { name: 'tier.peak_hour_factor', unit: 'ratio', low: 2, high: 10, basis: 'peak-hour arrivals over the daily mean: 2 for load spread over the day, 10 for a burst hour; the tier runs use 3 (a day in about eight busy hours)' } as const;

/**
 * Every quantitative claim of the 2025-12-22 audit (docs/audit-summary.md), one entry each: the
 * audit's words, its evidence class, the bound it is judged by (from which the `expected` text is
 * generated), the one-line method and the scenario that measures it. docs/claims.md explains the
 * classes and the bounds; check.ts turns a scenario's measurement into a verdict.
 *
 * C01-C31 and C51-C54 (the §6.2 load tiers, `loadlab run capacity --tier N`) each name the scenario
 * that measures them. C32-C50 are claims no scenario measures yet (issue #14 part 7): every run
 * lists them as not measured, so the table is the whole audit.
 */
export const CLAIMS: readonly ClaimSpec[] = [
  // §1 database queries, §7 and §9 index claims: real PostgreSQL plans and timings.
  defineClaim({
    id: 'C01', claim: 'N+1 queries in session listing: 5-10 queries per page load', section: 'Executive summary; §1.1', evidence: 'measured',
    measure: 'audited statements per GET /sessions page', bound: within(5, 10), unit: 'count', scenario: 'n-plus-one',
    approach: 'statements the engine\'s audited listing issues per page, counted by its query tracer',
  }),
  defineClaim({
    id: 'C02', claim: 'Denormalising task_count gives 5-10x faster session-list page loads', section: '§7 P0.1', evidence: 'measured',
    measure: 'listing p95 audited / optimized', bound: within(5, 10), unit: 'ratio', scenario: 'query-latency',
    approach: 'listing p95, LEFT JOIN session_tasks vs task_count column, on identically seeded databases',
  }),
  defineClaim({
    id: 'C03', claim: 'Tag-filtered action listing currently takes 50-200 ms', section: '§1.1 issue 2', evidence: 'measured',
    measure: 'audited tag filter p95', bound: within(50, 200), unit: 'ms', scenario: 'query-latency',
    approach: 'p95 of the audited IN (subquery) tag filter on the seeded baseline schema',
  }),
  defineClaim({
    id: 'C04', claim: 'With a CTE and (tag_id, action_id) index the tag filter takes < 10 ms', section: '§1.1 issue 2', evidence: 'measured',
    measure: 'optimized tag filter p95', bound: atMost(10), unit: 'ms', scenario: 'query-latency',
    approach: 'p95 of the CTE tag filter with the (tag_id, action_id) index, same data',
  }),
  defineClaim({
    id: 'C05', claim: 'CTE rewrite gives 5-10x faster tag-filtered action queries', section: '§7 P1.4', evidence: 'measured',
    measure: 'tag filter p95 audited / optimized', bound: within(5, 10), unit: 'ratio', scenario: 'query-latency',
    approach: 'tag-filter p95 ratio, audited subquery vs CTE + index, identically seeded databases',
  }),
  defineClaim({
    id: 'C06', claim: 'session_events lookups by session: sequential scan likely at scale', section: '§1.2 missing index 1', evidence: 'premise',
    measure: 'baseline get_events plan contains a Seq Scan', bound: holds, unit: 'count', scenario: 'query-latency',
    approach: 'EXPLAIN of the events-by-session query on the schema as it stood on 2025-12-22 (it carried idx_session_events_session_id)',
  }),
  defineClaim({
    id: 'C07', claim: 'The (session_id, created_at) covering index makes session_events queries 10-50x faster', section: '§1.2 missing index 1', evidence: 'measured',
    measure: 'get_events p95 baseline / indexed', bound: within(10, 50), unit: 'ratio', scenario: 'query-latency',
    approach: 'get_events p95 on the 2025-12-22 schema vs with the recommended covering index',
    premiseFalse: { fact: 'idx_session_events_session_id (session_id, created_at DESC) existed on 2025-12-22; the recommendation only adds INCLUDE columns', ref: INDEX_EXISTED },
  }),
  defineClaim({
    id: 'C08', claim: 'The session_events covering index enables an index-only scan', section: '§1.2 missing index 1', evidence: 'measured',
    measure: 'indexed get_events plan is index-only', bound: holds, unit: 'count', scenario: 'query-latency',
    approach: 'EXPLAIN ANALYZE of get_events with the covering index: index-only scan or not',
  }),
  defineClaim({
    id: 'C09', claim: 'Partition pruning + index-only scan = 5-20x faster cost aggregations', section: '§1.2 missing index 2', evidence: 'measured',
    measure: 'get_session_costs p95 baseline / indexed', bound: within(5, 20), unit: 'ratio', scenario: 'query-latency',
    approach: 'get_session_costs p95 on the 2025-12-22 schema vs with the recommended covering index',
    premiseFalse: { fact: 'idx_api_costs_session and its duplicate idx_api_costs_session_created existed on 2025-12-22', ref: INDEX_EXISTED },
  }),
  defineClaim({
    id: 'C10', claim: 'Session listing ORDER BY created_at requires an additional sort step', section: '§1.2 missing index 3', evidence: 'premise',
    measure: 'baseline listing plan has a Sort node', bound: holds, unit: 'count', scenario: 'query-latency',
    approach: 'EXPLAIN of the listing on the schema as it stood on 2025-12-22 (it carried idx_sessions_user_created)',
  }),
  defineClaim({
    id: 'C11', claim: 'The sessions covering index enables an index-only scan for listing', section: '§1.2 missing index 3', evidence: 'measured',
    measure: 'indexed listing plan is index-only', bound: holds, unit: 'count', scenario: 'query-latency',
    approach: 'EXPLAIN ANALYZE of the listing with the covering index: index-only scan or not',
  }),
  defineClaim({
    id: 'C12', claim: 'Composite indexes give 10-50x faster queries on high-traffic tables', section: '§7 P1.3', evidence: 'measured',
    measure: 'best p95 ratio of the three index optimisations', bound: within(10, 50), unit: 'ratio', scenario: 'query-latency',
    approach: 'largest p95 ratio, 2025-12-22 schema vs covering index, over session_events, api_costs and sessions',
    premiseFalse: { fact: 'the plain composite indexes on session_events, api_costs and sessions (user_id, created_at DESC) all existed on 2025-12-22', ref: INDEX_EXISTED },
  }),
  defineClaim({
    id: 'C13', claim: 'session_events lookup < 10 ms on average with indexes at 10K+ rows', section: '§9 scenario 2', evidence: 'measured',
    measure: 'indexed get_events mean', bound: atMost(10), unit: 'ms', scenario: 'query-latency',
    approach: 'mean get_events latency with the indexes on seeded tables of 10K+ rows',
  }),
  // §2-§6 and §9: parallelism, caches, sessions, memory, capacity, failover.
  defineClaim({
    id: 'C14', claim: '5 personas @ 2 s: 2 s parallel vs 10 s serial (5x speedup)', section: '§2.1', evidence: 'modelled',
    measure: 'round time serial / parallel', bound: about(5), unit: 'ratio', scenario: 'llm-parallelism',
    approach: 'one round of persona calls through the real SDK client over a fixed-latency mock, Promise.all vs one by one (scenario code, not the engine\'s round)',
    constants: [PERSONAS, LATENCY_SPREAD],
  }),
  defineClaim({
    id: 'C15', claim: 'Embedding batch size 20 instead of 5: 4x fewer embedding API calls', section: '§2.2 opportunity 1; §7 P2.7', evidence: 'modelled',
    measure: 'embedding requests batch 5 / batch 20', bound: about(4), unit: 'ratio', scenario: 'embedding-batching',
    approach: 'embedding requests counted at the engine\'s embedding port, batch 5 vs batch 20, same deliberations',
    constants: [{
      name: 'embedding.texts_per_check', unit: 'count', low: 4, high: 31,
      basis: 'distinct texts per convergence check: the engine embeds the last 6 contributions and the goal; comparing every contribution of a sub-problem (5 x 6) would give 31',
    }],
  }),
  defineClaim({
    id: 'C16', claim: 'Parallel sub-problems: 2-5x speedup for multi-sub-problem sessions', section: '§2.2 opportunity 2; §7 P3.11', evidence: 'modelled',
    measure: 'session time sequential / parallel', bound: within(2, 5), unit: 'ratio', scenario: 'llm-parallelism',
    approach: 'session wall time, sub-problems sequential vs parallel, runDeliberation over a fixed-latency mock',
    constants: [{ ...SUB_PROBLEMS, low: 2, basis: 'multi-sub-problem sessions only: 2 to the audit\'s 5' }, LATENCY_SPREAD],
  }),
  defineClaim({
    id: 'C17', claim: 'Session metadata caching reduces DB queries by 30-50% for SSE/streaming', section: '§3.2 gap 1; §7 P2.6', evidence: 'measured',
    measure: 'share of the SSE/dashboard mix\'s DB queries saved', bound: within(30, 50), unit: 'percent', scenario: 'cache-effectiveness',
    approach: 'DB statements of the SSE/dashboard request mix, caches off vs on, counted by the query tracer',
  }),
  defineClaim({
    id: 'C18', claim: 'Aggregation caching: 80% fewer cost aggregation queries', section: '§3.2 gap 2; §7 P2.8', evidence: 'modelled',
    measure: 'aggregation queries saved', bound: about(80), unit: 'percent', scenario: 'cache-effectiveness',
    approach: 'get_session_costs statements, caches off vs on, over the scenario\'s request mix with the 60 s TTL',
    constants: [{
      name: 'aggregation.reads_per_ttl', unit: 'count', low: 1, high: 10,
      basis: 'reads of one session\'s costs within the 60 s TTL: 1 when a page is opened once (nothing saved), ~10 when a dashboard polls',
    }],
  }),
  defineClaim({
    id: 'C19', claim: 'Hard cap of 50 concurrent sessions with FIFO eviction', section: '§4.1', evidence: 'conformance',
    measure: 'active never above 50 and evictions in start order', bound: holds, unit: 'count', scenario: 'concurrent-sessions',
    approach: '60 sessions against the SessionManager\'s cap of 50 (bo1\'s value); breaks if the cap or the eviction order changes',
  }),
  defineClaim({
    id: 'C20', claim: 'The DB pool (20) saturates before the session cap (50)', section: '§4.1; §6.1', evidence: 'measured',
    measure: 'pool 20 has waiting clients at 50 sessions', bound: holds, unit: 'count', scenario: 'pool-exhaustion',
    approach: 'waiting clients of a real pg pool of 20 under a time-scaled 50-session stress, and real-time demand by Little\'s law',
  }),
  defineClaim({
    id: 'C21', claim: 'With a pool of 20, 30 of 50 sessions will queue/fail', section: '§4.2', evidence: 'measured',
    measure: 'sessions failed or timed out per round with pool 20', bound: about(30), unit: 'count', scenario: 'pool-exhaustion',
    approach: 'failed or timed-out sessions per round, pool 20, 50 concurrent sessions (queued sessions shown, not yet judged)',
  }),
  defineClaim({
    id: 'C22', claim: 'Redis needs 455 MB for 7,000 sessions (65 KB per session)', section: '§4.3', evidence: 'measured',
    measure: 'extrapolated Redis memory for 7,000 sessions', bound: about(455e6), unit: 'bytes', scenario: 'redis-memory',
    approach: 'MEMORY USAGE of every key a session leaves in real Redis, x 7,000 (re-judge once the engine writes checkpoints)',
  }),
  defineClaim({
    id: 'C23', claim: 'The cost buffer is capped at 200 records, evicting the oldest', section: '§5.1 hotspot 1; §9 scenario 3', evidence: 'conformance',
    measure: 'buffer depth plateaus at 200 with evictions counted', bound: holds, unit: 'count', scenario: 'cost-buffer-overflow',
    approach: 'records pushed into the CostTracker while flushes fail; reproduces bo1\'s 200-record cap, breaks if the cap or eviction policy changes',
  }),
  defineClaim({
    id: 'C24', claim: 'Contribution state: 15 KB per session (5 personas × 6 rounds × 500 B)', section: '§5.1 hotspot 2', evidence: 'modelled',
    measure: 'retained contribution bytes per single-sub-problem session', bound: about(15_000), unit: 'bytes', scenario: 'state-memory',
    approach: 'contribution bytes the engine\'s sub-problem state holds after its last round, answers sized by the mock\'s token profile',
    constants: [CONTRIBUTION_BYTES, ROUNDS, PERSONAS],
  }),
  defineClaim({
    id: 'C25', claim: 'Contribution pruning reduces state memory by 60-80%', section: '§5.1 hotspot 2; §7 P2.9', evidence: 'modelled',
    measure: 'retained contributions reduction', bound: within(60, 80), unit: 'percent', scenario: 'state-memory',
    approach: 'retained contribution bytes with pruning off vs on, same deliberations',
    constants: [ROUNDS, { name: 'pruning.min_kept', unit: 'count', low: 3, high: 10, basis: 'contributions pruning always keeps (engine: 6); bo1 proposed keeping the last 2 rounds' }],
  }),
  defineClaim({
    id: 'C26', claim: 'Throughput: 50 sessions / 60 s = 0.83 sessions/sec', section: '§6.1', evidence: 'modelled',
    measure: 'sessions/s at the cap of 50', bound: about(0.83), unit: 'sessions/s', scenario: 'capacity',
    approach: 'completed sessions / wall time at the cap, whole sessions through createEngine over the \'realistic\' mock, converted to real time',
    constants: [LLM_LATENCY, ROUNDS, SUB_PROBLEMS],
  }),
  defineClaim({
    id: 'C27', claim: 'Daily capacity ~70,000 sessions/day (theoretical max)', section: '§6.1', evidence: 'modelled',
    measure: 'sessions/day at the knee (or the cap)', bound: about(70_000), unit: 'sessions/day', scenario: 'capacity',
    approach: 'sessions/s at the knee, or at the cap when throughput still rises, x 86,400',
    constants: [LLM_LATENCY, ROUNDS, SUB_PROBLEMS],
  }),
  defineClaim({
    id: 'C28', claim: 'Average session duration 60-120 s', section: '§6.1', evidence: 'modelled',
    measure: 'session duration p50 (real time)', bound: within(60, 120), unit: 's', scenario: 'capacity',
    approach: 'session duration p50 at the top concurrency level, mock time converted to real time',
    constants: [LLM_LATENCY, ROUNDS, SUB_PROBLEMS],
  }),
  defineClaim({
    id: 'C29', claim: 'Killing Redis mid-session degrades gracefully with no data loss', section: '§9 scenario 4', evidence: 'measured',
    measure: 'events and cost records lost = 0 and duplicated = 0', bound: holds, unit: 'count', scenario: 'redis-failover',
    approach: 'redis-server SIGKILLed at three engine states; every accepted event and cost record checked against PostgreSQL (optimized variant)',
  }),
  defineClaim({
    id: 'C30', claim: '50 sessions × 5 experts × 6 rounds = 1,500 parallel LLM calls max', section: '§4.1', evidence: 'conformance',
    measure: 'peak in-flight LLM calls at 50 sessions', bound: about(1_500), unit: 'count', scenario: 'capacity',
    approach: 'peak overlap of LLM calls\' wire intervals (api_costs) at the cap; rounds run one after another as in bo1, breaks if rounds overlap',
  }),
  defineClaim({
    id: 'C31', claim: 'Sub-problems appear to execute sequentially', section: '§2.2 opportunity 2', evidence: 'conformance',
    measure: 'sub-problems of an audited-variant session run one at a time', bound: holds, unit: 'count', scenario: 'llm-parallelism',
    approach: 'sub-problem intervals of one audited-variant session; the engine routes them as bo1 did, breaks if that routing changes',
  }),
  // Not measured by any scenario yet: each approach names the measurement that would judge it.
  defineClaim({
    id: 'C32', claim: 'Query patterns will degrade at 100+ concurrent sessions without optimisation', section: 'Executive summary', evidence: 'measured',
    measure: 'concurrent sessions (plus API traffic) at which audited-variant DB p95 first doubles', bound: about(100), unit: 'count', scenario: null,
    approach: 'needs a concurrency sweep of sessions plus API traffic, audited vs optimized, DB latency vs concurrency',
  }),
  defineClaim({
    id: 'C33', claim: 'Batched inserts (100 records/flush) reduce cost-tracking DB overhead', section: 'Executive summary; §2.1', evidence: 'measured',
    measure: 'DB time per cost record lower with batch 100 than batch 1', bound: holds, unit: 'count', scenario: null,
    approach: 'needs DB time per record measured with flush batches of 1 and 100',
  }),
  defineClaim({
    id: 'C34', claim: 'The LEFT JOIN listing becomes slow at 100+ sessions per user; task_count makes it O(1)', section: '§1.1 issue 1', evidence: 'measured',
    measure: 'audited listing p95 grows with sessions per user while the task_count listing stays flat', bound: holds, unit: 'count', scenario: null,
    approach: 'needs listing latency at 10, 100 and 1,000 sessions per user, both variants, and the slope',
  }),
  defineClaim({
    id: 'C35', claim: 'user_context lookup < 5 ms average at 10K+ rows', section: '§9 scenario 2', evidence: 'measured',
    measure: 'user_context lookup mean', bound: atMost(5), unit: 'ms', scenario: null,
    approach: 'needs the user_context lookup timed on seeded tables of 10K+ rows',
  }),
  defineClaim({
    id: 'C36', claim: 'research_cache lookup < 15 ms average at 10K+ rows', section: '§9 scenario 2', evidence: 'measured',
    measure: 'research_cache lookup mean', bound: atMost(15), unit: 'ms', scenario: null,
    approach: 'needs the research_cache similarity lookup timed on seeded tables of 10K+ rows',
  }),
  defineClaim({
    id: 'C37', claim: 'Research cache saves $0.07 per hit', section: '§3.1', evidence: 'modelled',
    measure: 'LLM and search cost avoided per research-cache hit', bound: about(0.07), unit: 'usd', scenario: null,
    approach: 'needs the cost of the research calls a hit avoids, priced from the engine\'s price table',
    constants: [{ name: 'research.tokens_per_call', unit: 'count', low: 2_000, high: 20_000, basis: 'tokens of one research call: a short lookup to a multi-page summary' }],
  }),
  defineClaim({
    id: 'C38', claim: '50 sessions × 1 DB connection per session = 50 connections needed', section: '§4.2', evidence: 'measured',
    measure: 'connections busy at once for 50 concurrent sessions (real time)', bound: about(50), unit: 'count', scenario: null,
    approach: 'needs real-time connection demand of 50 sessions (Little\'s law on DB time per session, and the pool\'s peak)',
  }),
  defineClaim({
    id: 'C39', claim: 'Redis holds ~5 KB of metadata per session', section: '§4.3', evidence: 'measured',
    measure: 'Redis bytes of a session\'s metadata keys', bound: about(5_000), unit: 'bytes', scenario: null,
    approach: 'needs the redis-memory inventory split by key group (metadata)',
  }),
  defineClaim({
    id: 'C40', claim: 'Redis holds ~10 KB of events per session (50 events × 200 B)', section: '§4.3', evidence: 'measured',
    measure: 'Redis bytes of a session\'s event history', bound: about(10_000), unit: 'bytes', scenario: null,
    approach: 'needs the redis-memory inventory split by key group (events)',
  }),
  defineClaim({
    id: 'C41', claim: 'Redis holds ~50 KB of checkpoints per session', section: '§4.3', evidence: 'measured',
    measure: 'Redis bytes of a session\'s checkpoints', bound: about(50_000), unit: 'bytes', scenario: null,
    approach: 'needs the engine\'s checkpoints (in progress) and the redis-memory inventory split by key group',
  }),
  defineClaim({
    id: 'C42', claim: '1,000 sessions/day × 7 days = 7,000 active sessions\' keys', section: '§4.3', evidence: 'modelled',
    measure: 'sessions with live keys after 7 days of arrivals', bound: about(7_000), unit: 'count', scenario: null,
    approach: 'needs the key TTLs read from Redis, times the daily arrival rate',
    constants: [SESSIONS_PER_DAY],
  }),
  defineClaim({
    id: 'C43', claim: '5 sub-problems × 15 KB = 75 KB of contributions per session', section: '§5.1 hotspot 2', evidence: 'modelled',
    measure: 'retained contribution bytes per 5-sub-problem session', bound: about(75_000), unit: 'bytes', scenario: null,
    approach: 'needs state-memory at 5 sub-problems in the engine\'s parallel mode',
    constants: [CONTRIBUTION_BYTES, ROUNDS],
  }),
  defineClaim({
    id: 'C44', claim: '75 KB per session → 3.75 MB of contribution state for 50 sessions', section: '§5.1 hotspot 2', evidence: 'modelled',
    measure: 'heap held by contribution state of 50 concurrent 5-sub-problem sessions', bound: about(3.75e6), unit: 'bytes', scenario: null,
    approach: 'needs heap per held session at 5 sub-problems, times 50',
    constants: [CONTRIBUTION_BYTES, ROUNDS],
  }),
  defineClaim({
    id: 'C45', claim: 'Cost records flush every 100 records or 30 s', section: '§2.1; §5.1 hotspot 1', evidence: 'conformance',
    measure: 'flushes happen at 100 buffered records and on the 30 s timer', bound: holds, unit: 'count', scenario: null,
    approach: 'needs flush triggers observed on the CostTracker; breaks if the batch size or timer changes',
  }),
  defineClaim({
    id: 'C46', claim: 'A cost buffer whose flushes keep failing risks leaking memory', section: '§5.1 hotspot 1', evidence: 'measured',
    measure: 'memory (buffer + retry queue) grows without bound while flushes fail', bound: holds, unit: 'count', scenario: null,
    approach: 'needs heap and retry-queue depth sampled over a long run of failing flushes',
  }),
  defineClaim({
    id: 'C47', claim: '0.5 sessions/sec sustained, ~40,000 sessions/day', section: '§6.1', evidence: 'modelled',
    measure: 'sessions/s sustained under mixed load with pooling and queueing', bound: about(0.5), unit: 'sessions/s', scenario: null,
    approach: 'needs an open-model run at the cap with API traffic beside the sessions',
    constants: [LLM_LATENCY, ROUNDS, SUB_PROBLEMS],
  }),
  defineClaim({
    id: 'C48', claim: '10-20 s per round (6 rounds = 60-120 s)', section: '§6.1', evidence: 'modelled',
    measure: 'round duration p50 (real time)', bound: within(10, 20), unit: 's', scenario: null,
    approach: 'needs round durations from the engine\'s round events, converted to real time',
    constants: [LLM_LATENCY],
  }),
  defineClaim({
    id: 'C49', claim: 'LLM parallelisation is well optimised and needs no change', section: 'Executive summary; §2.1', evidence: 'measured',
    measure: 'the engine\'s own round code overlaps all persona calls of a round', bound: holds, unit: 'count', scenario: null,
    approach: 'needs persona-call overlap measured inside the engine\'s rounds, not a scenario-local Promise.all',
  }),
  defineClaim({
    id: 'C50', claim: 'A pool of 75 prevents exhaustion at 30+ concurrent sessions', section: '§7 P0.2', evidence: 'measured',
    measure: 'no client waits for a connection with pool 75 at 30-50 sessions', bound: holds, unit: 'count', scenario: null,
    approach: 'needs pool-exhaustion judged on the pool-75 run at 30 and 50 sessions',
  }),
  // §6.2 load tiers: `loadlab run capacity --tier N` (issue #16 part 4).
  defineClaim({
    id: 'C51', claim: 'Tier 1 (< 100 sessions/day): the current configuration handles the load with headroom', section: '§6.2', evidence: 'modelled',
    measure: 'the audited configuration (cap 50, pool 20) holds at 100 sessions/day x the peak-hour factor', bound: holds, unit: 'count', scenario: 'capacity',
    approach: 'open-model arrivals at the tier\'s peak rate through the audited engine over the \'realistic\' mock under tier-1 provider limits; holds = all sessions completed, no start queueing, p95 session time, pool waits and 429 failures within bounds',
    constants: [PEAK_HOUR_FACTOR],
  }),
  defineClaim({
    id: 'C52', claim: 'Tier 2 (up to 1,000 sessions/day): DB pool 50, the session_events and api_costs indexes, session-metadata caching and pg_stat_statements are enough', section: '§6.2', evidence: 'modelled',
    measure: 'tier 2\'s configuration holds at 1,000 sessions/day x the peak-hour factor', bound: holds, unit: 'count', scenario: 'capacity',
    approach: 'as C51 with pool 50 and the two covering indexes, tier-2 provider limits; caching and pg_stat_statements are not exercised by this load and are said so',
    constants: [PEAK_HOUR_FACTOR],
  }),
  defineClaim({
    id: 'C53', claim: 'Tier 3 (up to 10,000 sessions/day): session cap 100, DB pool 150, PgBouncer transaction pooling, task_count, read replicas and api_costs partitioning are enough', section: '§6.2', evidence: 'modelled',
    measure: 'tier 3\'s configuration holds at 10,000 sessions/day x the peak-hour factor', bound: holds, unit: 'count', scenario: 'capacity',
    approach: 'as C51 with cap 100, pool 150 through a real PgBouncer in transaction mode, task_count and the indexes, tier-3 provider limits; read replicas not measured',
    constants: [PEAK_HOUR_FACTOR],
  }),
  defineClaim({
    id: 'C54', claim: 'Tier 4 (10,000+ sessions/day) needs multi-region, read replicas, a Redis cluster, LLM request queuing with priority tiers and DB sharding', section: '§6.2', evidence: 'modelled',
    measure: 'tier 3\'s single-machine configuration stops holding at 20,000 sessions/day x the peak-hour factor', bound: holds, unit: 'count', scenario: 'capacity',
    approach: 'tier 3\'s configuration offered twice tier 4\'s lower bound under tier-4 provider limits; the five tier-4 items themselves cannot run on one machine and are listed as not measured',
    constants: [PEAK_HOUR_FACTOR],
  }),
];
