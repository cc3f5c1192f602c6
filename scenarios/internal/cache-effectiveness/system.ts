import { createCaches, createRedisClient, type Caches } from '../../../engine/cache/index.js';
import { resolveConfig } from '../../../engine/config/index.js';
import { priceCall } from '../../../engine/costs/index.js';
import { createDb, createRepositories, type Db, type Repositories, type SessionCosts } from '../../../engine/db/index.js';
import { textVector } from '../../../engine/llm/index.js';
import type { Request } from './workload.js';

/** The audit's proposed TTLs (§3.2 gap 1: 300 s metadata; §2.4: 60 s aggregation; §3 user context 300 s). */
export const REAL_TTL_S = { metadata: 300, userContext: 300, aggregation: 60 } as const;

/** Statement names the tracer counts (engine/db names, plus the metadata read of §2.1 get_metadata). */
export const STATEMENTS = { metadata: 'sessions.get_metadata', aggregation: 'api_costs.get_session_costs', userContext: 'user_context.get' } as const;

// A decomposition call (bo1 decomposer: Sonnet, ~1,500 input / ~800 output tokens) and a persona
// selection call (~1,200 / ~400): what a cache hit saves.
const DECOMPOSE = priceCall({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', inputTokens: 1_500, outputTokens: 800 }).totalCost;
const SELECT = priceCall({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', inputTokens: 1_200, outputTokens: 400 }).totalCost;

export interface System {
  name: 'off' | 'on';
  db: Db;
  repos: Repositories;
  caches: Caches | undefined;
  /** Statements executed, by engine statement name. */
  counts: Map<string, number>;
  /** Statement execution time, ms, by name (from the tracer). */
  timeMs: Map<string, number>;
  savedUsd: number;
  execute(req: Request): Promise<void>;
  invalidate(sessionIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * One copy of the read paths with every cache on or off. Both copies read the same database
 * through the engine's Db, whose tracer counts each statement by name: the difference between
 * them is what the caches saved. TTLs are divided by `compression` so a run of seconds covers
 * minutes of the modelled traffic.
 */
export async function createSystem(o: { name: 'off' | 'on'; databaseUrl: string; redisUrl: string; prefix: string; compression: number }): Promise<System> {
  const ttl = (s: number): number => Math.max(1, Math.round(s / o.compression));
  const config = resolveConfig({
    databaseUrl: o.databaseUrl, redisUrl: o.redisUrl, redisKeyPrefix: o.prefix,
    sessions: { metadataTtlSeconds: ttl(REAL_TTL_S.metadata) },
    cache: { userContextTtlSeconds: ttl(REAL_TTL_S.userContext) },
    costs: { aggregationCacheTtlMs: (REAL_TTL_S.aggregation * 1000) / o.compression },
  });
  const counts = new Map<string, number>();
  const timeMs = new Map<string, number>();
  const db = createDb({ databaseUrl: config.databaseUrl, poolMin: 0, poolMax: 4, connectionTimeoutMs: 10_000, idleTimeoutMs: 30_000, statementTimeoutMs: 30_000 });
  db.setTracer((t) => {
    const k = t.name ?? t.fingerprint;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    timeMs.set(k, (timeMs.get(k) ?? 0) + t.durationMs);
  });
  const repos = createRepositories(db, config);
  const redis = o.name === 'on' ? createRedisClient({ url: config.redisUrl, ...config.redis, name: `cache-${o.name}` }) : undefined;
  const caches = redis === undefined ? undefined : createCaches(redis, config);
  const metadata = async (id: string): Promise<Record<string, unknown> | undefined> => {
    const load = async (): Promise<Record<string, unknown> | undefined> =>
      (await db.query('SELECT status, phase, total_cost FROM sessions WHERE id = $1', [id], { name: STATEMENTS.metadata })).rows[0];
    return caches === undefined ? load() : caches.sessionMetadata.get(id, load);
  };
  const costs = (id: string): Promise<SessionCosts> => (caches === undefined ? repos.costs.getSessionCosts(id) : caches.aggregation.get(id, () => repos.costs.getSessionCosts(id)));
  const userContext = async (uid: string): Promise<unknown> => (caches === undefined ? repos.users.getContext(uid) : caches.userContext.get(uid, () => repos.users.getContext(uid)));
  const sys: System = {
    name: o.name, db, repos, caches, counts, timeMs, savedUsd: 0,
    async execute(req) {
      // bo1 reads the user's context/tier on every authenticated request (§3.2 gap 1, item 2).
      await userContext(req.userId);
      switch (req.kind) {
        case 'stream_status': await metadata(req.sessionId); break;
        case 'session_detail': await repos.sessions.get(req.sessionId); await metadata(req.sessionId); break;
        case 'session_list': {
          const rows = await repos.sessions.listByUser(req.userId, { limit: 10 });
          for (const row of rows) await metadata(row.id);
          break;
        }
        case 'session_costs': await costs(req.sessionId); await repos.costs.getSubproblemCosts(req.sessionId); break;
        case 'event_history': await repos.events.getEvents(req.sessionId); break;
        case 'deliberation_start': {
          if (caches === undefined) break;
          const emb = [...textVector(req.problem, 1024, 1)];
          const key = { system: 'decomposer', user: req.problem, model: 'claude-sonnet-4-5-20250929', maxTokens: 4096, temperature: 0.85 };
          if ((await caches.llmResponses.get(key)) === undefined) await caches.llmResponses.set(key, 'decomposition');
          else sys.savedUsd += DECOMPOSE;
          if ((await caches.personaSelection.find(emb)) === undefined) await caches.personaSelection.set(req.problem, emb, ['persona']);
          else sys.savedUsd += SELECT;
          break;
        }
      }
    },
    async invalidate(ids) {
      if (caches === undefined) return;
      caches.aggregation.invalidate(ids);
      for (const id of ids) await caches.sessionMetadata.invalidate(id);
    },
    async close() {
      redis?.disconnect();
      await db.close();
    },
  };
  return sys;
}
