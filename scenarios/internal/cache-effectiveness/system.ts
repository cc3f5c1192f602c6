import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApiServer, type ApiServer } from '../../../engine/api/index.js';
import { ENGINE_DEFAULTS, type EngineConfigInput } from '../../../engine/config/index.js';
import { createEngine, type Engine } from '../../../engine/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../../../harness/errors/index.js';
import type { Request } from './workload.js';

/** The engine's cache TTLs (engine/config defaults), which the scenario divides by its time compression. */
export const REAL_TTL_S = {
  metadataRecache: ENGINE_DEFAULTS.cache.metadataRecacheTtlSeconds,
  userContext: ENGINE_DEFAULTS.cache.userContextTtlSeconds,
  aggregation: ENGINE_DEFAULTS.costs.aggregationCacheTtlMs / 1000,
} as const;

/** Statement names the engine's tracer reports for each cache's source query. */
export const STATEMENTS = {
  metadata: 'sessions.get_metadata',
  aggregation: 'api_costs.get_session_costs',
  userContext: 'user_context.get',
} as const;

/** What the scenario is measuring when a statement arrives: the dashboard mix or the deliberations. */
export type Phase = 'idle' | 'mix' | 'deliberations';

export interface System {
  name: 'off' | 'on';
  engine: Engine;
  api: ApiServer;
  phase: Phase;
  /** Statements of the mix's HTTP requests (their request spans), by engine statement name. */
  counts: Map<string, number>;
  /** Their execution time, ms, by name (from the tracer). */
  timeMs: Map<string, number>;
  /** Every statement of the deliberation phase (requests and the sessions' own work), by name. */
  deliberationCounts: Map<string, number>;
  /** One dashboard request over HTTP. */
  execute(req: Request, token: string): Promise<void>;
  /** Creates and starts a session over HTTP, polls it to its end; returns its final status and in-state cost. */
  deliberate(token: string, problem: string): Promise<{ status: string; costUsd: number }>;
  close(): Promise<void>;
}

const TERMINAL = new Set(['completed', 'failed', 'killed']);

/**
 * One engine (createEngine: its own pool, Redis caches, mock LLM) behind its own HTTP API on an
 * ephemeral port, every cache off or on. Both read the same database; the engine's query tracer
 * counts each statement by name, so the difference between the two is what the caches saved.
 * Cache TTLs are divided by `compression` so a run of seconds covers minutes of modelled traffic.
 */
export async function createSystem(o: {
  name: 'off' | 'on';
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  compression: number;
  engineConfig: (input: EngineConfigInput) => EngineConfigInput;
}): Promise<System> {
  const ttl = (s: number): number => Math.max(1, Math.round(s / o.compression));
  const on = o.name === 'on';
  const engine = await createEngine({
    config: o.engineConfig({
      // bo1's API shape (§2.1): the listing reads each session's metadata on its own, the path the metadata cache serves.
      variant: 'audited',
      databaseUrl: o.databaseUrl,
      redisUrl: o.redisUrl,
      redisKeyPrefix: o.prefix,
      cache: {
        userContextCacheEnabled: on,
        sessionMetadataCacheEnabled: on,
        llmResponseCacheEnabled: on,
        personaSelectionCacheEnabled: on,
        userContextTtlSeconds: ttl(REAL_TTL_S.userContext),
        metadataRecacheTtlSeconds: ttl(REAL_TTL_S.metadataRecache),
      },
      costs: { aggregationCacheEnabled: on, aggregationCacheTtlMs: (REAL_TTL_S.aggregation * 1000) / o.compression },
      llm: { mockProfile: 'instant', timeScale: 0.001 },
    }),
  });
  const counts = new Map<string, number>();
  const timeMs = new Map<string, number>();
  const deliberationCounts = new Map<string, number>();
  const api = await createApiServer(engine).catch(async (err: unknown) => {
    await engine.close();
    throw err;
  });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  const tag = randomBytes(3).toString('hex');
  let n = 0;

  async function http(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'x-request-id': `ce-${tag}-${++n}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300)
      throw new LoadlabError(HARNESS_ERRORS.TARGET_FAILED, `${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  const sys: System = {
    name: o.name,
    engine,
    api,
    phase: 'idle',
    counts,
    timeMs,
    deliberationCounts,
    async execute(req, token) {
      const s = encodeURIComponent(req.sessionId);
      switch (req.kind) {
        case 'session_list':
          await http('GET', '/api/v1/sessions?limit=10', token);
          break;
        case 'session_detail':
          await http('GET', `/api/v1/sessions/${s}`, token);
          break;
        case 'session_costs':
          await http('GET', `/api/v1/sessions/${s}/costs`, token);
          break;
        case 'event_history':
          await http('GET', `/api/v1/sessions/${s}/events`, token);
          break;
        case 'context_view':
          await http('GET', '/api/v1/context', token);
          break;
      }
    },
    async deliberate(token, problem) {
      const created = await http('POST', '/api/v1/sessions', token, { problem_statement: problem });
      const id = encodeURIComponent(String(created.id));
      await http('POST', `/api/v1/sessions/${id}/start`, token);
      for (;;) {
        const view = await http('GET', `/api/v1/sessions/${id}`, token);
        // The row turns terminal after the session's events and cost records are flushed (runner).
        if (TERMINAL.has(String(view.status))) return { status: String(view.status), costUsd: Number(view.total_cost) };
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await api.close();
      await engine.close();
    },
  };
  engine.db.setTracer((t) => {
    const k = t.name ?? t.fingerprint;
    if (sys.phase === 'deliberations') deliberationCounts.set(k, (deliberationCounts.get(k) ?? 0) + 1);
    if (sys.phase !== 'mix' || t.parentSpanId?.startsWith(`ce-${tag}-`) !== true) return;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    timeMs.set(k, (timeMs.get(k) ?? 0) + t.durationMs);
  });
  return sys;
}
