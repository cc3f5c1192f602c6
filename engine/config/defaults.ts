/**
 * Every performance-relevant constant of bo1 the engine reproduces, in one literal. Section
 * references (§) point into docs/audited-system.md (the audited system as of 2025-12-22).
 * Values that the audit changed carry both forms in VARIANT_PROFILES; ENGINE_DEFAULTS holds the
 * `optimized` (recommended) form.
 */

/** `audited`: bo1 as on 2025-12-22. `optimized`: the audit's recommendations applied. */
export type Variant = 'audited' | 'optimized';

/** Session listing: `join` = LEFT JOIN session_tasks (audit time), `task_count` = denormalised column (§2.1). */
export type ListSessionsShape = 'join' | 'task_count';
/** Action tag filter: `in_subquery` (audit time) or `cte` (HEAD) (§2.3). */
export type TagFilterShape = 'in_subquery' | 'cte';
/**
 * How the actions listing (§2.3) is written. `distinct`: bo1's SELECT DISTINCT over every column,
 * which must sort or hash all of a user's actions before LIMIT. `plain`: the same rows without
 * DISTINCT (the LEFT JOIN is on the sessions primary key and the tag CTE groups by action, so no
 * row can repeat), letting an index on (user_id, sort_order, created_at) stop after LIMIT rows.
 */
export type ActionsListShape = 'distinct' | 'plain';
/** Contribution save: `three_trips` (§2.6 audit-time) or `single` statement. */
export type ContributionSaveShape = 'three_trips' | 'single';
/** Event batch insert: `per_row` (psycopg2 executemany, one statement per event) or `multi_row`. */
export type EventInsertShape = 'per_row' | 'multi_row';
/** How statements reach PostgreSQL (engine/db StatementMode): psycopg2-style `simple`, `unnamed` extended protocol, or `prepared`. */
export type StatementModeSetting = 'simple' | 'unnamed' | 'prepared';
/** Persona cache lookup: `keys_scan` (KEYS + GET per key, §8.1) or `index_set` (one SMEMBERS + MGET). */
export type PersonaLookupShape = 'keys_scan' | 'index_set';

export const ENGINE_DEFAULTS = {
  variant: 'optimized' as Variant,
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/loadlab',
  redisUrl: 'redis://127.0.0.1:6379',
  /** Prepended to every Redis key and channel so runs sharing one Redis never collide (loadlab only). */
  redisKeyPrefix: '',

  sessions: {
    maxConcurrent: 50, // §3 SessionManagerConfig.MAX_CONCURRENT_SESSIONS
    gracePeriodMs: 30_000, // §3 EVICTION_GRACE_PERIOD_SECONDS 30
    holdLockDuringGrace: false, // §6: audited sleeps the grace period inside the capacity lock
    metadataTtlSeconds: 604_800, // §3 REDIS_METADATA_TTL_SECONDS (7 d)
    terminalCleanupSeconds: 3_600, // §3 REDIS_CLEANUP_GRACE_PERIOD_SECONDS
  },

  db: {
    poolMin: 1, // §3 DatabaseConfig.POOL_MIN_CONNECTIONS
    poolMax: 75, // §3 POOL_MAX_CONNECTIONS 75 (20 at audit time, §1.9)
    connectionTimeoutMs: 5_000, // §3 db_session connection wait timeout 5 s
    idleTimeoutMs: 30_000, // loadlab: pg default; bo1's psycopg2 pool kept connections forever
    statementTimeoutMs: 30_000, // §3 StatementTimeoutConfig.DEFAULT_TIMEOUT_MS
    listSessionsShape: 'task_count' as ListSessionsShape, // §2.1
    tagFilterShape: 'cte' as TagFilterShape, // §2.3
    actionsListShape: 'plain' as ActionsListShape, // §2.3 listing; audited: SELECT DISTINCT (issue 18)
    contributionSaveShape: 'single' as ContributionSaveShape, // §2.6 (audit: up to 3 round trips)
    eventsWindowDays: 30, // §2.2 / §2.4 partition-pruning window
    // §1.9: psycopg2 interpolates parameters client-side and sends simple queries, so every call
    // is parsed and planned again (over 13 partitions and up to 19 indexes a table). loadlab's
    // recommendation: named prepared statements, planned once per connection (generic plan after
    // five custom ones). A transaction-mode pooler needs its prepared-statement support for this
    // (PgBouncer >= 1.21, max_prepared_statements).
    statementMode: 'prepared' as StatementModeSetting,
  },

  costs: {
    batchSize: 100, // §5.2 BATCH_SIZE
    maxBufferSize: 200, // §5.2 MAX_BUFFER_SIZE (enforced on the DB+Redis double failure path)
    flushIntervalMs: 30_000, // §5.2 BATCH_INTERVAL_SECONDS
    timerFlush: true, // §5.2: audited has no timer, the interval is checked only when a record arrives
    retryQueueKey: 'cost_retry_queue', // §5.2 / §8.1
    retryAlertThreshold: 100, // §5.2 COST_RETRY_ALERT_THRESHOLD
    drainBatchSize: 100, // §5.2 cost_retry_job DEFAULT_BATCH_SIZE
    drainIntervalMs: 30_000, // §5.2 DEFAULT_POLL_INTERVAL_SECONDS
    drainLoop: true, // §5.2: bo1's drain job has no scheduler; loadlab runs it in-process in both variants
    // Records kept in process memory while they wait in the Redis retry list, re-pushed if a Redis
    // restart without persistence empties it (docs/decisions/003). 0 = none: the loss is only
    // counted (lostInRetryQueue), as bo1 would lose them (audited).
    retryShadowMaxRecords: 10_000,
    sessionBudgetUsd: 0.5, // §3 Settings.session_cost_budget
    anomalySingleCallUsd: 0.5, // §3 CostAnomalyConfig
    aggregationCacheEnabled: true, // §2.4: GET /sessions/:id/costs reads its totals through the cache; off = every read aggregates
    aggregationCacheTtlMs: 60_000, // §2.4 AggregationCache TTL 60 s
    aggregationCacheMaxEntries: 500, // §2.4 max 500
  },

  events: {
    batchWindowMs: 50, // §7.2 BUFFER_WINDOW_MS
    batchSize: 100, // §7.2 MAX_BUFFER_SIZE
    bufferCapacity: 500, // §7.2 MAX_BUFFER_CAPACITY
    timerFlush: true, // §7.2: audited checks the window only when the next event arrives
    insertShape: 'multi_row' as EventInsertShape, // §2.2 save_events_batch is executemany
    dropEventsOnRedisFailure: false, // §7.1 audited behaviour, only behind this explicit switch
    // Events held in memory for PostgreSQL while it is down (failed batches are retried); beyond
    // this the oldest are dropped and counted, so an outage cannot exhaust the heap. bo1 kept
    // nothing (per-event failures were only logged, §7.2).
    maxPendingEvents: 10_000,
    historyTtlSeconds: 604_800, // §3 REDIS_EVENTS_TTL_SECONDS
    persistConcurrency: 50, // §7.1 PERSIST_SEMAPHORE_LIMIT
    pollingIntervalMs: 500, // §3 SSE_POLLING_INTERVAL_MS
    pollingBatchSize: 50, // §3 SSE_POLLING_BATCH_SIZE
    redisRecheckIntervalMs: 5_000, // §3 SSE_CIRCUIT_CHECK_INTERVAL_MS
    // How long a subscriber holds newer events back while it fetches a missing sequence (from
    // Redis history, else PostgreSQL, retrying until it is persisted). Past this the gap is
    // skipped and counted: an event dropped on purpose (dropEventsOnRedisFailure) never arrives.
    gapWaitMaxMs: 15_000,
  },

  cache: {
    // §3 UserContextCache: read-through `user_context:{user}`, read by the deliberation's context
    // collection (§4.2) and GET /api/v1/context, invalidated on save. On in both variants (bo1 had it).
    userContextCacheEnabled: true,
    userContextTtlSeconds: 300, // §3 UserContextCache.TTL_SECONDS
    // §2.1 / §8.1: the session listing reads `metadata:{session}` from Redis before PostgreSQL.
    // Off: every listed session's live fields come from PostgreSQL (cache-effectiveness' baseline).
    sessionMetadataCacheEnabled: true,
    metadataRecacheTtlSeconds: 3_600, // §2.1 / §8.3 re-cache from Postgres for 1 h
    // §3 Settings.enable_llm_response_cache False: exact-match `llm:cache:{hash}` consulted before
    // every completion only when on; off in both variants, as audited.
    llmResponseCacheEnabled: false,
    llmCacheTtlSeconds: 86_400, // §3 CacheTTL.LLM_CACHE
    // §3 Settings.enable_persona_selection_cache False: the selector step embeds the sub-problem
    // goal and reuses a selection at cosine >= personaSimilarityThreshold; off in both variants, as audited.
    personaSelectionCacheEnabled: false,
    personaCacheTtlSeconds: 604_800, // §3 CacheTTL.PERSONA_CACHE
    personaSimilarityThreshold: 0.9, // §3 PERSONA_SIMILARITY_THRESHOLD
    personaLookupShape: 'index_set' as PersonaLookupShape, // §8.1 audited: KEYS personas:cache:*
  },

  /** §8.4 per-service circuit breakers (CLOSED → OPEN → HALF_OPEN). */
  circuitBreakers: {
    redis: { failureThreshold: 5, recoveryTimeoutMs: 15_000, successThreshold: 2 },
    postgres: { failureThreshold: 8, recoveryTimeoutMs: 30_000, successThreshold: 2 },
  },

  redis: {
    maxRetriesPerRequest: 1, // loadlab: fail fast instead of bo1's retries so a dead Redis errors quickly
    connectTimeoutMs: 2_000, // §8.2 checkpointer ping timeout 2 s
    reconnectInitialMs: 1_000, // §3 RedisReconnection initial 1000 ms
    reconnectMaxMs: 30_000, // §3 RedisReconnection max 30 000 ms
  },

  embeddings: {
    batchSize: 20, // §3 EmbeddingsConfig.BATCH_SIZE 20 (5 at audit time, §1.9)
    dimensions: 1024, // §3 EmbeddingsConfig.DIMENSIONS
    similarityThreshold: 0.85, // §3 EmbeddingsConfig.SIMILARITY_THRESHOLD
  },

  api: {
    /**
     * §2.1 / §2.3: the audited endpoints loaded metadata once per listed session and one session
     * per distinct source session of actions (N+1); the fix batches each into one lookup.
     */
    batchLookups: true,
  },

  limits: {
    maxSubProblems: 4, // §3 DecompositionConfig.MAX_SUBPROBLEMS_HARD_CAP (what decompose enforces)
    maxRounds: 6, // §3 GraphConfig.MAX_ROUNDS_HARD_CAP
    minRoundsBeforeVoting: 2, // §3 ModerationConfig
    minExperts: 3, // §3 Settings.min_experts
    maxExperts: 5, // §3 Settings.max_experts
    maxCostPerSessionUsd: 1.0, // §3 Settings.max_cost_per_session
    convergenceThreshold: 0.9, // §3 GraphConfig.CONVERGENCE_THRESHOLD
    minNoveltyThreshold: 0.4, // §3 GraphConfig.MIN_NOVELTY_THRESHOLD
  },
};

/** The shape of ENGINE_DEFAULTS (all keys required once resolved). */
export type EngineDefaults = typeof ENGINE_DEFAULTS;

/**
 * What each variant changes relative to ENGINE_DEFAULTS. Applied after defaults and before the
 * caller's own values, so any single feature can be overridden on top of a variant.
 */
export const VARIANT_PROFILES = {
  audited: {
    sessions: { holdLockDuringGrace: true },
    db: {
      poolMax: 20,
      listSessionsShape: 'join',
      tagFilterShape: 'in_subquery',
      actionsListShape: 'distinct',
      contributionSaveShape: 'three_trips',
      statementMode: 'simple',
    },
    costs: { timerFlush: false, retryShadowMaxRecords: 0 },
    events: { timerFlush: false, insertShape: 'per_row' },
    cache: { personaLookupShape: 'keys_scan' },
    embeddings: { batchSize: 5 },
    api: { batchLookups: false },
    // §8.2: the whole state after every node, MemorySaver when Redis is down at graph build, and
    // nothing that lets a new process finish a dead one's buffered events and cost records.
    checkpoint: {
      format: 'full',
      fallback: 'memory',
      endedTtlSeconds: 604_800,
      costJournal: false,
      replayEvents: false,
      restartWithoutCheckpoint: false,
    },
  },
  optimized: {},
} as const;

/** Allowed values of string settings, by dotted path. */
export const ENUM_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  variant: ['audited', 'optimized'],
  'db.listSessionsShape': ['join', 'task_count'],
  'db.tagFilterShape': ['in_subquery', 'cte'],
  'db.actionsListShape': ['distinct', 'plain'],
  'db.contributionSaveShape': ['three_trips', 'single'],
  'db.statementMode': ['simple', 'unnamed', 'prepared'],
  'events.insertShape': ['per_row', 'multi_row'],
  'cache.personaLookupShape': ['keys_scan', 'index_set'],
  'checkpoint.format': ['full', 'incremental'],
  'checkpoint.fallback': ['memory', 'postgres'],
};

/** Numeric settings that must be > 0 (everything else numeric must be >= 0). */
export const POSITIVE_SETTINGS: readonly string[] = [
  'sessions.maxConcurrent',
  'db.poolMax',
  'costs.batchSize',
  'costs.maxBufferSize',
  'costs.drainBatchSize',
  'events.batchSize',
  'events.bufferCapacity',
  'events.persistConcurrency',
  'events.pollingIntervalMs',
  'events.pollingBatchSize',
  'checkpoint.ttlSeconds',
  'checkpoint.leaseMs',
  'embeddings.batchSize',
  'embeddings.dimensions',
  'limits.maxSubProblems',
  'limits.maxRounds',
];
