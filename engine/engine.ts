import { setMaxListeners } from 'node:events';
import type { Redis } from 'ioredis';
import { createRedisClient } from './cache/index.js';
import { resolveConfig, type EngineConfig, type EngineConfigInput } from './config/index.js';
import { CostTracker, priceCallInState, type CostAccounting } from './costs/index.js';
import { createDb, createRepositories, type Db, type PoolMetrics, type Repositories } from './db/index.js';
import { DELIBERATION_DEFAULTS, PERSONAS, runDeliberation, type DeliberationPorts, type DeliberationResult, type DeliberationSettings } from './deliberation/index.js';
import { isLoadlabError } from './errors/index.js';
import { createLlm, type CostSink, type LlmSetup, type LlmStats, type MockProfileOverrides } from './llm/index.js';
import { silentLogger, type Logger } from './log/index.js';
import { createInterimEvents, type InterimEvents } from './interim-events.js';

export interface EngineOptions {
  readonly config?: EngineConfigInput;
  readonly logger?: Logger;
  /** Real LLM mode only; the CLI reads ANTHROPIC_API_KEY / VOYAGE_API_KEY and passes them. */
  readonly apiKey?: string;
  readonly voyageApiKey?: string;
  /** Mock profile overrides beyond name/timeScale/seed (error schedules in tests, for example). */
  readonly mockOverrides?: MockProfileOverrides;
  /**
   * Deliberation settings on top of config.deliberation (useful until engine/config registers
   * DELIBERATION_DEFAULTS as its `deliberation` section; then both routes work).
   */
  readonly deliberation?: Partial<DeliberationSettings>;
}

export type SessionOutcome =
  | { readonly sessionId: string; readonly status: 'completed'; readonly durationMs: number; readonly result: DeliberationResult }
  | { readonly sessionId: string; readonly status: 'failed' | 'killed'; readonly durationMs: number; readonly error: { code: string; message: string } };

export interface EngineMetrics {
  sessions: { created: number; running: number; completed: number; failed: number; killed: number };
  llm: LlmStats;
  events: { emitted: number; persisted: number; pending: number; redisFailures: number };
  costs: CostAccounting;
  pool: PoolMetrics;
}

export interface Engine {
  readonly config: EngineConfig;
  readonly db: Db;
  readonly repositories: Repositories;
  readonly redis: Redis;
  readonly costs: CostTracker;
  readonly llm: LlmSetup;
  ensureUser(userId: string): Promise<void>;
  createSession(input: { userId: string; problem: string }): Promise<{ id: string }>;
  /** Starts the deliberation in the background; the promise settles when it ends (never rejects). */
  startSession(sessionId: string): Promise<SessionOutcome>;
  runSession(sessionId: string): Promise<SessionOutcome>;
  kill(sessionId: string, reason?: string): boolean;
  /** Publishes an event on the engine's event path (sequence, Redis fan-out, batched persistence). */
  publishEvent(sessionId: string, type: string, data: Record<string, unknown>): Promise<void>;
  metrics(): EngineMetrics;
  /** Flushes events and cost records, drains the retry queue, closes Redis and the pool. */
  close(): Promise<void>;
}

const DELIBERATION_KEYS = Object.keys(DELIBERATION_DEFAULTS);

/** Builds the whole engine: pool, repositories, Redis, CostTracker, events, LLM (mock by default). */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const config = resolveConfig(options.config);
  const log = options.logger ?? silentLogger();
  const db = createDb({
    databaseUrl: config.databaseUrl, poolMin: config.db.poolMin, poolMax: config.db.poolMax,
    connectionTimeoutMs: config.db.connectionTimeoutMs, idleTimeoutMs: config.db.idleTimeoutMs,
    statementTimeoutMs: config.db.statementTimeoutMs, logger: log,
  });
  const repositories = createRepositories(db, config);
  const redis = createRedisClient({ url: config.redisUrl, ...config.redis, logger: log, name: 'engine' });
  const costs = new CostTracker({
    repository: repositories.costs, redis, config: config.costs, redisKeyPrefix: config.redisKeyPrefix, logger: log,
    onQueued: async (ids) => { await repositories.sessions.markUntrackedCosts(ids, true).catch(() => undefined); },
  });
  const costSink: CostSink = {
    record: (a) => {
      costs.track({
        provider: a.provider, operationType: a.operation, modelName: a.model,
        sessionId: a.context.sessionId ?? null, userId: a.context.userId ?? null, nodeName: a.context.node ?? null,
        phase: a.context.phase ?? null, personaName: a.context.persona ?? null, roundNumber: a.context.round ?? null,
        subProblemIndex: a.context.subProblemIndex ?? null, inputTokens: a.usage.inputTokens, outputTokens: a.usage.outputTokens,
        cacheCreationTokens: a.usage.cacheCreationTokens, cacheReadTokens: a.usage.cacheReadTokens, latencyMs: a.latencyMs,
        status: a.status, errorMessage: a.error ?? null, metadata: { attempt: a.attempt, call_id: a.callId, http_status: a.httpStatus },
      });
    },
  };
  const llm = createLlm({
    config: { ...config.llm, ...(options.mockOverrides === undefined ? {} : { mockOverrides: options.mockOverrides }) }, costSink, logger: log,
    price: (model, usage) => priceCallInState({ provider: 'anthropic', model, ...usage }),
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.voyageApiKey === undefined ? {} : { voyageApiKey: options.voyageApiKey }),
  });
  const events: InterimEvents = createInterimEvents({ repository: repositories.events, redis, config: config.events, redisKeyPrefix: config.redisKeyPrefix, logger: log });
  // Contributions reference personas(code): the catalogue must be there before the first round.
  await repositories.personas.upsert(PERSONAS.map((p) => ({ code: p.code, name: p.name, expertise: p.expertise, systemPrompt: p.systemPrompt })));

  const settings = { ...deliberationSettings(config), ...options.deliberation };
  const limits = {
    maxSubProblems: config.limits.maxSubProblems, maxRounds: config.limits.maxRounds, minExperts: config.limits.minExperts,
    maxExperts: config.limits.maxExperts, maxCostPerSessionUsd: config.limits.maxCostPerSessionUsd, embeddingBatchSize: config.embeddings.batchSize,
  };
  const ports: DeliberationPorts = {
    llm: llm.client,
    events: { emit: (sessionId, type, data) => events.publish(sessionId, type, data) },
    contributions: {
      save: async (c) => {
        await repositories.contributions.save({ sessionId: c.sessionId, userId: c.userId, personaCode: c.personaCode, content: c.content, roundNumber: c.round, phase: c.phase, cost: c.costUsd, tokens: c.tokens, model: c.model });
      },
    },
    progress: {
      update: async (sessionId, p) => {
        await repositories.sessions.updatePhase(sessionId, p.phase);
        await repositories.sessions.updateTotals(sessionId, { ...(p.totalCostUsd === undefined ? {} : { totalCost: p.totalCostUsd }), ...(p.round === undefined ? {} : { roundNumber: p.round }) });
      },
    },
  };

  const running = new Map<string, { controller: AbortController; killReason?: string; done: Promise<SessionOutcome> }>();
  const counts = { created: 0, completed: 0, failed: 0, killed: 0 };
  const users = new Set<string>();

  async function ensureUser(userId: string): Promise<void> {
    if (users.has(userId)) return;
    await repositories.users.create({ id: userId, email: `${userId}@loadlab.invalid` });
    users.add(userId);
  }

  async function execute(sessionId: string, controller: AbortController): Promise<SessionOutcome> {
    const t0 = performance.now();
    const entry = () => running.get(sessionId);
    try {
      const row = await repositories.sessions.get(sessionId);
      if (row === undefined) throw new Error(`session ${sessionId} not found`);
      await setStatus(db, sessionId, 'running');
      const result = await runDeliberation(ports, { sessionId, userId: row.user_id, problem: row.problem_statement, signal: controller.signal }, { settings, limits, variant: config.variant });
      await events.flushSession(sessionId);
      await repositories.sessions.updateTotals(sessionId, { totalCost: result.counters.costUsd, synthesisText: result.synthesis });
      await setStatus(db, sessionId, 'completed');
      counts.completed++;
      return { sessionId, status: 'completed', durationMs: performance.now() - t0, result };
    } catch (err) {
      const killed = controller.signal.aborted;
      const status = killed ? 'killed' : 'failed';
      const code = isLoadlabError(err) ? err.code : 'LL_INTERNAL';
      const message = killed ? (entry()?.killReason ?? 'killed') : err instanceof Error ? err.message : String(err);
      log.warn({ sessionId, code, err: message }, `session ${status}`);
      await events.flushSession(sessionId).catch(() => undefined);
      await setStatus(db, sessionId, status, killed ? message : undefined).catch(() => undefined);
      counts[status]++;
      return { sessionId, status, durationMs: performance.now() - t0, error: { code, message } };
    } finally {
      running.delete(sessionId);
      events.forget(sessionId);
    }
  }

  const engine: Engine = {
    config, db, repositories, redis, costs, llm, ensureUser,
    async createSession(input) {
      await ensureUser(input.userId);
      const row = await repositories.sessions.create({ userId: input.userId, problemStatement: input.problem });
      counts.created++;
      return { id: row.id };
    },
    startSession(sessionId) {
      const existing = running.get(sessionId);
      if (existing !== undefined) return existing.done;
      const controller = new AbortController();
      // One signal per session is shared by every concurrent LLM call of that session (up to ~16).
      setMaxListeners(0, controller.signal);
      const slot: { controller: AbortController; killReason?: string; done: Promise<SessionOutcome> } = { controller, done: Promise.resolve(undefined as never) };
      running.set(sessionId, slot);
      slot.done = execute(sessionId, controller);
      return slot.done;
    },
    runSession(sessionId) {
      return engine.startSession(sessionId);
    },
    kill(sessionId, reason = 'killed by user') {
      const r = running.get(sessionId);
      if (r === undefined) return false;
      r.killReason = reason;
      r.controller.abort(new Error(reason));
      return true;
    },
    publishEvent: (sessionId, type, data) => events.publish(sessionId, type, data),
    metrics() {
      return {
        sessions: { ...counts, running: running.size },
        llm: llm.client.stats(),
        events: events.stats(),
        costs: costs.accounting(),
        pool: db.metrics(),
      };
    },
    async close() {
      for (const r of running.values()) r.controller.abort(new Error('engine closing'));
      await Promise.all([...running.values()].map((r) => r.done));
      await events.close();
      await costs.close();
      redis.disconnect();
      await db.close();
    },
  };
  return engine;
}

/** The `deliberation` config section, until engine/config registers DELIBERATION_DEFAULTS itself. */
function deliberationSettings(config: EngineConfig): DeliberationSettings {
  const section = (config as unknown as { deliberation?: Record<string, unknown> }).deliberation ?? {};
  const picked = Object.fromEntries(Object.entries(section).filter(([k]) => DELIBERATION_KEYS.includes(k)));
  return { ...DELIBERATION_DEFAULTS, ...picked } as DeliberationSettings;
}

/**
 * Status write used until SessionRepository.updateStatus is fixed: its `$2` is compared both as
 * varchar and text, which PostgreSQL rejects ("inconsistent types deduced for parameter $2").
 */
async function setStatus(db: Db, id: string, status: 'running' | 'completed' | 'failed' | 'killed', killReason?: string): Promise<void> {
  await db.query(
    `UPDATE sessions SET status = $2::varchar, updated_at = now(),
       completed_at = CASE WHEN $2::varchar = 'completed' THEN now() ELSE completed_at END,
       killed_at = CASE WHEN $2::varchar = 'killed' THEN now() ELSE killed_at END,
       killed_by = CASE WHEN $2::varchar = 'killed' THEN 'system' ELSE killed_by END,
       kill_reason = COALESCE($3, kill_reason)
     WHERE id = $1`,
    [id, status, killReason ?? null],
    { name: 'sessions.update_status' },
  );
}
