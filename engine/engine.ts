import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createCaches, createRedisClient, type Caches } from './cache/index.js';
import { Checkpointer, CostJournal, Leases, type CheckpointCounters } from './checkpoint/index.js';
import { resolveConfig, type EngineConfig, type EngineConfigInput } from './config/index.js';
import { CostTracker, encodeRecord, priceCallInState, type CostAccounting } from './costs/index.js';
import { createDb, createRepositories, type Db, type PoolMetrics, type Repositories } from './db/index.js';
import type { Clock } from './clock/index.js';
import { PERSONAS } from './deliberation/index.js';
import { ENGINE_ERRORS, LoadlabError } from './errors/index.js';
import { EventPublisher, EventSubscriber, type EventCounters } from './events/index.js';
import { costSinkFor, deliberationLimits, deliberationPorts, deliberationSettings } from './internal/ports.js';
import { Resumer, type ResumeCounters, type ResumedSession } from './internal/resumer.js';
import { SessionRunner, type SessionOutcome } from './internal/runner.js';
import { UserContexts } from './internal/user-context.js';
import { createLlm, type LlmSetup, type LlmStats, type MockFaultSettings, type MockProfileOverrides } from './llm/index.js';
import { silentLogger, type Logger } from './log/index.js';
import { SessionManager, type SessionManagerStats } from './sessions/index.js';

export type { SessionOutcome } from './internal/runner.js';
export type { ResumeCounters, ResumedSession } from './internal/resumer.js';
export type { UserContexts } from './internal/user-context.js';

export interface EngineOptions {
  readonly config?: EngineConfigInput;
  readonly logger?: Logger;
  /** Only with `llm.mode: 'real'` (a library caller's choice): the CLI never reads ANTHROPIC_API_KEY, every command runs the mock. */
  readonly apiKey?: string;
  readonly voyageApiKey?: string;
  /** Mock profile overrides beyond name/timeScale/seed (error schedules in tests, for example). */
  readonly mockOverrides?: MockProfileOverrides;
  /**
   * Time for the cost tracker's timers, the session manager's grace period, the event batcher's
   * window and retries, and subscribers' polling and gap waits (tests pass a manual clock).
   */
  readonly clock?: Clock;
}

/** The LLM side as the harness sees it: the client, the mock (mock mode) and runtime fault injection. */
export interface EngineLlm extends LlmSetup {
  stats(): LlmStats;
  /** Mock mode only: replaces error rates / schedule from now on (the `llm-errors` fault). */
  setErrorInjection(faults: MockFaultSettings): void;
}

export interface EngineMetrics {
  sessions: SessionManagerStats & { created: number; running: number };
  llm: LlmStats;
  events: EventCounters & { pending: number };
  costs: CostAccounting;
  pool: PoolMetrics;
  caches: ReturnType<Caches['counters']>;
  /** Checkpoint writes and bytes (per session: divide by `sessions`), cost-journal appends, resumes and redone work. */
  checkpoints: CheckpointCounters & { journalAppends: number; journalFailures: number; resume: ResumeCounters };
}

export interface Engine {
  readonly config: EngineConfig;
  readonly db: Db;
  readonly repositories: Repositories;
  readonly redis: Redis;
  readonly caches: Caches;
  /** Users' business context through the user-context cache (deliberation context collection, GET /api/v1/context). */
  readonly userContexts: UserContexts;
  readonly costs: CostTracker;
  /** The EventPublisher every session event goes through (`counters()`: emitted, persisted...). */
  readonly events: EventPublisher;
  readonly sessions: SessionManager;
  readonly llm: EngineLlm;
  /** A subscriber for SSE over the engine's Redis and session_events (one pub/sub connection per subscription). */
  createSubscriber(logger?: Logger): EventSubscriber;
  ensureUser(userId: string): Promise<void>;
  createSession(input: { userId: string; problem: string }): Promise<{ id: string }>;
  /** Starts the deliberation as a SessionManager task; the promise settles when it ends (never rejects). */
  startSession(sessionId: string): Promise<SessionOutcome>;
  /** Aborts a running session (its in-flight LLM calls included); `killed` is written asynchronously. */
  kill(sessionId: string, reason?: string): boolean;
  /**
   * Continues a session whose engine died (status `running`, lease stale) at the step after its
   * checkpoint. Rejects with LL_SESSION_NOT_RESUMABLE, or LL_CHECKPOINT_LOST after marking it failed.
   */
  resumeSession(sessionId: string): Promise<ResumedSession>;
  /** resumeSession for every such session (what `loadlab serve` does at start and then periodically). */
  resumeOrphans(): Promise<{ resumed: ResumedSession[]; skipped: { sessionId: string; code: string; message: string }[] }>;
  /** This engine's id in session leases. */
  readonly instanceId: string;
  /** Publishes an event on the engine's event path (sequence, Redis fan-out, batched persistence). */
  publishEvent(sessionId: string, type: string, data: Record<string, unknown>): Promise<void>;
  metrics(): EngineMetrics;
  /** Stops sessions, flushes events and cost records, drains the retry queue, closes Redis and the pool. */
  close(): Promise<void>;
}

/** Builds the whole engine on its parts: config, pool + repositories, Redis + caches, costs, events, sessions, LLM. */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const config = resolveConfig(options.config);
  const settings = deliberationSettings(config);
  const log = options.logger ?? silentLogger();
  const prefix = config.redisKeyPrefix;
  const db = createDb({
    databaseUrl: config.databaseUrl,
    poolMin: config.db.poolMin,
    poolMax: config.db.poolMax,
    connectionTimeoutMs: config.db.connectionTimeoutMs,
    idleTimeoutMs: config.db.idleTimeoutMs,
    statementTimeoutMs: config.db.statementTimeoutMs,
    statementMode: config.db.statementMode,
    logger: log,
  });
  const repos = createRepositories(db, config);
  const redis = createRedisClient({ url: config.redisUrl, ...config.redis, logger: log, name: 'engine' });
  await readyOrDegraded(redis, config.redis.connectTimeoutMs);
  const caches = createCaches(redis, config);
  // One clock for every timed part (the system's when none is given).
  const withClock = options.clock === undefined ? {} : { clock: options.clock };
  const costs = new CostTracker({
    ...withClock,
    repository: repos.costs,
    redis,
    config: config.costs,
    redisKeyPrefix: prefix,
    logger: log,
    onPersisted: (ids) => caches.aggregation.invalidate(ids),
    onQueued: (ids) => repos.sessions.markUntrackedCosts(ids, true),
    onDrained: (ids) => repos.sessions.markUntrackedCosts(ids, false),
  });
  const events = new EventPublisher({
    ...withClock,
    redis,
    repository: repos.events,
    config: config.events,
    redisKeyPrefix: prefix,
    logger: log,
  });
  const instanceId = randomUUID();
  const cp = config.checkpoint;
  const journal = new CostJournal(redis, prefix, cp.costJournal, cp.ttlSeconds, encodeRecord);
  const leases = new Leases(redis, prefix, instanceId, cp.leaseMs);
  const checkpoints = new Checkpointer({
    redis,
    db,
    config: cp,
    redisKeyPrefix: prefix,
    pingTimeoutMs: config.redis.connectTimeoutMs,
    logger: log,
    sequenceOf: (id) => events.currentSequence(id),
    costRecordsOf: (id) => journal.count(id),
    costsSettled: (id) => journal.settled(id),
  });
  const sessions = new SessionManager({
    config: config.sessions,
    redis,
    sessions: repos.sessions,
    events,
    redisKeyPrefix: prefix,
    logger: log,
    ...withClock,
  });
  const setup = createLlm({
    config: { ...config.llm, ...(options.mockOverrides === undefined ? {} : { mockOverrides: options.mockOverrides }) },
    costSink: costSinkFor(costs, journal),
    logger: log,
    price: (model, usage) => priceCallInState({ provider: 'anthropic', model, ...usage }),
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.voyageApiKey === undefined ? {} : { voyageApiKey: options.voyageApiKey }),
  });
  const llm: EngineLlm = {
    ...setup,
    stats: () => setup.client.stats(),
    setErrorInjection(faults) {
      if (setup.mock === undefined)
        throw new LoadlabError(ENGINE_ERRORS.CONFIG_INVALID, 'LLM error injection needs the mock (llm.mode "mock")');
      setup.mock.setFaults(faults);
    },
  };
  try {
    // Contributions reference personas(code): the catalogue must be there before the first round.
    await repos.personas.upsert(
      PERSONAS.map((p) => ({ code: p.code, name: p.name, expertise: p.expertise, systemPrompt: p.systemPrompt })),
    );
  } catch (err) {
    await costs.close().catch(() => undefined);
    await events.close();
    redis.disconnect();
    await db.close();
    throw err;
  }
  const userContexts = new UserContexts(repos.users, caches.userContext);
  const runner = new SessionRunner({
    config,
    repos,
    events,
    costs,
    sessions,
    settings,
    limits: deliberationLimits(config),
    log,
    checkpoints,
    leases,
    journal,
    userContexts,
    ports: deliberationPorts(setup.client, events, repos, checkpoints, { config: config.cache, caches }),
  });
  const resumer = new Resumer({
    repos,
    runner,
    checkpoints,
    leases,
    events,
    log,
    resume: { redis, redisKeyPrefix: prefix, config: cp, publisher: events, events: repos.events, costs: repos.costs, journal },
  });
  const users = new Map<string, Promise<void>>();

  // One insert per user even when many sessions of a new user start at once.
  function ensureUser(userId: string): Promise<void> {
    let pending = users.get(userId);
    if (pending === undefined) {
      pending = repos.users.create({ id: userId, email: `${userId}@loadlab.invalid` });
      pending.catch(() => users.delete(userId));
      users.set(userId, pending);
    }
    return pending;
  }

  const engine: Engine = {
    config,
    db,
    repositories: repos,
    redis,
    caches,
    userContexts,
    costs,
    events,
    sessions,
    llm,
    instanceId,
    resumeSession: (sessionId) => resumer.resume(sessionId),
    resumeOrphans: () => resumer.orphans(),
    createSubscriber: (logger) =>
      new EventSubscriber({
        redis,
        createSubscriberClient: () => {
          const client = redis.duplicate();
          client.on('error', () => undefined); // the subscription falls back to polling; no unhandled 'error'
          return client;
        },
        repository: repos.events,
        config: config.events,
        redisKeyPrefix: prefix,
        logger: logger ?? log,
        ...withClock,
      }),
    ensureUser,
    async createSession(input) {
      await ensureUser(input.userId);
      const row = await repos.sessions.create({ userId: input.userId, problemStatement: input.problem });
      runner.created++;
      return { id: row.id };
    },
    startSession: (sessionId) => runner.start(sessionId),
    kill: (sessionId, reason = 'killed by user') => runner.kill(sessionId, reason),
    publishEvent: async (sessionId, type, data) => {
      await events.publish(sessionId, type, data);
    },
    metrics() {
      const ev = events.counters();
      return {
        sessions: { ...sessions.stats(), created: runner.created, running: runner.running },
        llm: setup.client.stats(),
        events: { ...ev, pending: ev.backlog },
        costs: costs.accounting(),
        pool: db.metrics(),
        caches: caches.counters(),
        checkpoints: {
          ...checkpoints.counters(),
          journalAppends: journal.appended,
          journalFailures: journal.failures,
          resume: { ...resumer.n },
        },
      };
    },
    async close() {
      // Running sessions end as killed by the system (not failed): the shutdown, not the session, stopped them.
      await Promise.all(sessions.activeIds().map((id) => sessions.kill(id, { killedBy: 'system', reason: 'engine closing' })));
      await sessions.close();
      leases.close();
      await events.close();
      await costs.close();
      redis.disconnect();
      await db.close();
    },
  };
  return engine;
}

/**
 * Waits for the first Redis connection so the first events are not counted as Redis failures;
 * an unreachable Redis is not fatal (the engine degrades to PostgreSQL) so this never throws.
 */
async function readyOrDegraded(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await Promise.race([once(redis, 'ready'), new Promise((r) => setTimeout(r, timeoutMs).unref())]).catch(() => undefined);
}
