import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../../../engine/cache/index.js';
import { resolveConfig, type EngineConfig } from '../../../engine/config/index.js';
import { CostTracker, type TrackCallInput } from '../../../engine/costs/index.js';
import { createDb, createRepositories, type CostRepository, type Db } from '../../../engine/db/index.js';
import type { Logger } from '../../../engine/log/index.js';
import { FaultProxy } from '../../../harness/faults/index.js';
import type { RedisHandle } from '../../../harness/infra/index.js';

/**
 * The system under test for cost-buffer-overflow: a CostTracker whose PostgreSQL and Redis
 * connections both pass through a FaultProxy (so either can be made unreachable without losing
 * what the server holds), plus direct observer connections that never go through a proxy.
 */
export interface CostRig {
  config: EngineConfig;
  /** The database itself, not through the proxy (for the oracle). */
  directDatabaseUrl: string;
  tracker: CostTracker;
  trackerRedis: Redis;
  observer: Redis;
  db: Db;
  pgProxy: FaultProxy;
  redisProxy: FaultProxy;
  queueKey: string;
  close(): Promise<void>;
}

export const RIG_DEFAULTS = {
  /** Short reconnect backoff so recovery is measured in ms, not bo1's 1 s → 30 s (the tracker logic is the same). */
  redis: { maxRetriesPerRequest: 1, connectTimeoutMs: 500, reconnectInitialMs: 50, reconnectMaxMs: 200 },
  /** A refused connection fails at once; 1 s bounds a connect that hangs. */
  db: { poolMin: 0, poolMax: 4, connectionTimeoutMs: 1_000, idleTimeoutMs: 30_000, statementTimeoutMs: 10_000 },
} as const;

export async function startCostRig(o: { databaseUrl: string; redis: RedisHandle; keyPrefix: string; logger: Logger }): Promise<CostRig> {
  const pgUrl = new URL(o.databaseUrl);
  const pgProxy = await FaultProxy.start({ target: { host: pgUrl.hostname, port: Number(pgUrl.port || 5432) }, name: 'postgres' });
  const redisProxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: o.redis.port }, name: 'redis' });
  const proxiedPg = new URL(o.databaseUrl);
  proxiedPg.hostname = '127.0.0.1';
  proxiedPg.port = String(pgProxy.port);
  // Audited variant: no timer flush (the 30 s rule is checked only when a record arrives, §5.2),
  // and the drain loop off so the retry-list depth stays observable until the scenario drains it.
  const config = resolveConfig({ variant: 'audited', redisKeyPrefix: o.keyPrefix, costs: { drainLoop: false }, redis: RIG_DEFAULTS.redis });
  const db = createDb({ databaseUrl: proxiedPg.toString(), ...RIG_DEFAULTS.db, logger: o.logger });
  const repos = createRepositories(db, config);
  const trackerRedis = createRedisClient({
    url: `redis://127.0.0.1:${redisProxy.port}`,
    ...RIG_DEFAULTS.redis,
    logger: o.logger,
    name: 'cost-tracker',
  });
  const observer = createRedisClient({ url: o.redis.url, ...RIG_DEFAULTS.redis, logger: o.logger, name: 'observer' });
  const tracker = new CostTracker({
    repository: repos.costs,
    redis: trackerRedis,
    config: config.costs,
    redisKeyPrefix: o.keyPrefix,
    logger: o.logger,
  });
  await Promise.all([waitReady(trackerRedis, 5_000), waitReady(observer, 5_000)]);
  return {
    config,
    directDatabaseUrl: o.databaseUrl,
    tracker,
    trackerRedis,
    observer,
    db,
    pgProxy,
    redisProxy,
    queueKey: `${o.keyPrefix}${config.costs.retryQueueKey}`,
    async close() {
      await tracker.close().catch(() => undefined);
      await observer.del(`${o.keyPrefix}${config.costs.retryQueueKey}`).catch(() => undefined);
      trackerRedis.disconnect();
      observer.disconnect();
      await db.close().catch(() => undefined);
      await pgProxy.close();
      await redisProxy.close();
    },
  };
}

/**
 * The engine's cost repository on one direct connection (never through a fault proxy), in the
 * variant's statement mode (audited: simple protocol, as psycopg2): for the measurements that need
 * a working database while the rig's own connections are being failed.
 */
export function openDirectCosts(databaseUrl: string, config: EngineConfig, logger: Logger): { db: Db; costs: CostRepository } {
  const db = createDb({ databaseUrl, ...RIG_DEFAULTS.db, poolMax: 1, statementMode: config.db.statementMode, logger });
  return { db, costs: createRepositories(db, config).costs };
}

/** Waits until an ioredis client can take commands; false on timeout. */
export async function waitReady(client: Redis, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (client.status !== 'ready') {
    if (performance.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/**
 * Waits until no flush is in flight (buffered counts the batch being flushed, bufferSize does not).
 * Used to emulate bo1's synchronous flush, which runs on the caller's thread before log_cost returns.
 */
export async function waitFlushSettled(tracker: CostTracker, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (tracker.accounting().buffered !== tracker.bufferStats().bufferSize && performance.now() < deadline) {
    await new Promise((r) => setImmediate(r));
  }
}

/** One Sonnet call of a persona contribution (§5.1 sizes), tagged with its place in the workload. */
export function costInput(phase: string, index: number): TrackCallInput {
  return {
    provider: 'anthropic',
    operationType: 'completion',
    modelName: 'claude-sonnet-4-5-20250929',
    nodeName: 'persona',
    phase: 'deliberation',
    inputTokens: 1_000,
    outputTokens: 200,
    latencyMs: 1_500,
    metadata: { workload: phase, index },
  };
}
