import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { API_DEFAULTS } from '../engine/api/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../harness/errors/index.js';
import { defineScenario, type ScenarioContext } from '../harness/scenario/index.js';
import { timeLookups, userContextClaim, type LookupTimes } from './internal/cache-effectiveness/lookups.js';
import { reportCaches, reportDeliberations, type DeliberationTotals } from './internal/cache-effectiveness/report.js';
import { researchSavingClaim } from './internal/cache-effectiveness/research-claim.js';
import { REAL_TTL_S, STATEMENTS, createSystem, type System } from './internal/cache-effectiveness/system.js';
import { readSeededTables, type SeededTables } from './internal/cache-effectiveness/tables.js';
import { deliberationStream, loadPopulation, requestStream, type Population } from './internal/cache-effectiveness/workload.js';

export interface CacheEffectivenessParams {
  /** Wall-clock length of the measured dashboard mix. */
  durationMs: number;
  /** Modelled traffic, requests per second of real (uncompressed) time. */
  modelledRatePerSec: number;
  /** Time compression: TTLs and the live-session update period are divided by it, the rate multiplied. */
  compression: number;
  /** Users drawn (Zipf by rank) and their most recent sessions. */
  users: number;
  sessionsPerUser: number;
  /** Deliberations started on each engine, and the pool of problems they draw from (Zipf s = 1). */
  deliberations: number;
  problems: number;
  /** bo1 flushes a live session's costs every 30 s (§5.2): the aggregation entry of a live session is dropped that often. */
  liveUpdatePeriodS: number;
  /** C35: user-context lookups on the caches-off engine, one at a time: warm-up (not counted), then rounds. */
  lookupWarmup: number;
  lookupRounds: number;
  lookupsPerRound: number;
}

const METHOD =
  "Driven: two engines (createEngine, variant audited so the listing reads each session's metadata as bo1 did; mock LLM at the wire), " +
  'each behind its own HTTP API on an ephemeral port, over one seeded database: one with the user-context, session-metadata, aggregation, ' +
  'LLM-response and persona-selection caches off (cache.*Enabled / costs.aggregationCacheEnabled false), one with all of them on. ' +
  'Phase 1, the dashboard mix over HTTP with bearer tokens (Zipf users s=1, their recent sessions s=1.2; GET /sessions 50% (per-row metadata), ' +
  '/sessions/:id 20%, /sessions/:id/costs 10%, /sessions/:id/events 10%, /context 10%), the same seeded sequence on both engines, alternating ' +
  "which goes first; the engine's query tracer counts the statements of each request span by name. SSE status checks are not in the mix: the " +
  "engine's stream reads status from PostgreSQL. Engine TTLs (metadata re-cache, user context 300 s, aggregation 60 s) divided by the time " +
  'compression, rate multiplied by it; accessed live sessions drop their aggregation entry every 30 s (modelled cost flush). ' +
  'Phase 2, deliberations over HTTP (POST /sessions, /start, polled to the end) of problems drawn from a small pool, the same users and problems ' +
  'on both engines: provider calls counted by the mock, cost from sessions.total_cost. ' +
  'C17 = metadata reads avoided / all statements of the mix with caches off; C18 = get_session_costs avoided / issued.';

const LOOKUP_METHOD =
  'Measured after both phases, on the caches-off engine while idle: engine.userContexts.get (the read GET /api/v1/context and the ' +
  "deliberations' context collection make; with the cache off it is the repository's PostgreSQL read), one lookup at a time, wall time " +
  'around the call (pool checkout, round trip, row decode), users in a seeded order over the whole seeded table, each once; mean of the ' +
  'timed lookups, interval = min-max of the round means. The statement times the tracer took during the mix are shown beside it.';

/** Phase 3 (C35): the user-context read of the caches-off engine, timed over the seeded table. */
async function runLookups(ctx: ScenarioContext<CacheEffectivenessParams>, off: System, tables: SeededTables): Promise<LookupTimes> {
  ctx.progress('user-context lookups');
  const p = ctx.params;
  const times = await timeLookups(
    (id) => off.engine.userContexts.get(id),
    tables.sampleUserIds,
    { warmup: p.lookupWarmup, rounds: p.lookupRounds, perRound: p.lookupsPerRound },
    ctx.signal,
  );
  for (const ms of times.rounds.flat()) ctx.recorder.record('cache.user_context_lookup.off', ms);
  ctx.recorder.set('cache.user_context.rows', tables.userContextRows, 'count');
  ctx.recorder.set('cache.research_cache.rows', tables.researchRows, 'count');
  return times;
}

/** A bearer token per population user, added to the shared database once (both engines read it). */
async function addTokens(sys: System, pop: Population): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const u of pop.users) {
    const token = `ll_ce_${randomBytes(16).toString('hex')}`;
    await sys.engine.repositories.users.addToken(u.id, token, 'cache-effectiveness');
    tokens.set(u.id, token);
  }
  return tokens;
}

/** Phase 1: the dashboard mix, paced, on both engines. Returns the requests executed. */
async function runMix(
  ctx: ScenarioContext<CacheEffectivenessParams>,
  off: System,
  on: System,
  pop: Population,
  tokens: ReadonlyMap<string, string>,
): Promise<{ requests: number; achieved: number }> {
  const p = ctx.params;
  const next = requestStream(pop, ctx.seed);
  const accessedLive = new Set<string>();
  const live = new Set(pop.live);
  // The engine's own invalidation (what the CostTracker calls after a flush), for seeded live sessions that do not run here.
  const timer = setInterval(
    () => {
      on.engine.caches.aggregation.invalidate([...accessedLive]);
    },
    (p.liveUpdatePeriodS * 1000) / p.compression,
  );
  const intervalMs = 1000 / (p.modelledRatePerSec * p.compression);
  off.phase = 'mix';
  on.phase = 'mix';
  const t0 = performance.now();
  let n = 0;
  try {
    ctx.progress('requests');
    while (performance.now() - t0 < p.durationMs) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const req = next();
      if (live.has(req.sessionId)) accessedLive.add(req.sessionId);
      const token = tokens.get(req.userId) as string;
      // Alternate which engine goes first, so neither always finds the shared buffers warm.
      for (const s of n % 2 === 0 ? [off, on] : [on, off]) await ctx.recorder.time(`cache.request.${s.name}`, () => s.execute(req, token));
      n++;
      const wait = t0 + n * intervalMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (n % 200 === 0) ctx.progress('requests', `${n}`);
    }
  } finally {
    clearInterval(timer);
    off.phase = 'idle';
    on.phase = 'idle';
  }
  return { requests: n, achieved: (n * 1000) / (performance.now() - t0) };
}

/** Phase 2: the same deliberations, one at a time, on each engine. */
async function runDeliberations(
  ctx: ScenarioContext<CacheEffectivenessParams>,
  systems: readonly System[],
  pop: Population,
  tokens: ReadonlyMap<string, string>,
): Promise<Record<'off' | 'on', DeliberationTotals>> {
  const next = deliberationStream(pop, ctx.seed);
  const asks = Array.from({ length: ctx.params.deliberations }, () => next());
  const out = {} as Record<'off' | 'on', DeliberationTotals>;
  for (const s of systems) {
    ctx.progress(`deliberations ${s.name}`);
    const mock0 = s.engine.llm.mock?.stats();
    const t: DeliberationTotals = { sessions: 0, completed: 0, llmCalls: 0, embeddingRequests: 0, costUsd: 0, userContextQueries: 0 };
    s.phase = 'deliberations';
    try {
      for (const a of asks) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const r = await s.deliberate(tokens.get(a.userId) as string, a.problem);
        t.sessions++;
        if (r.status === 'completed') t.completed++;
        t.costUsd += r.costUsd;
      }
    } finally {
      s.phase = 'idle';
    }
    const mock1 = s.engine.llm.mock?.stats();
    t.llmCalls = (mock1?.messages ?? 0) - (mock0?.messages ?? 0);
    t.embeddingRequests = (mock1?.embeddingRequests ?? 0) - (mock0?.embeddingRequests ?? 0);
    t.userContextQueries = s.deliberationCounts.get(STATEMENTS.userContext) ?? 0;
    if (t.completed < t.sessions) {
      throw new LoadlabError(
        HARNESS_ERRORS.TARGET_FAILED,
        `${t.sessions - t.completed} of ${t.sessions} deliberations on the caches-${s.name} engine did not complete`,
      );
    }
    out[s.name] = t;
  }
  return out;
}

export const cacheEffectivenessScenario = defineScenario<CacheEffectivenessParams, void>({
  name: 'cache-effectiveness',
  title: "Cache hit rates and database queries saved, driving the engine's HTTP API and deliberations",
  auditRef: '§3.1, §3.2, §7 P2.6, P2.8, §9 scenario 2',
  profiles: {
    ci: {
      durationMs: 10_000,
      modelledRatePerSec: 2,
      compression: 20,
      users: 200,
      sessionsPerUser: 50,
      deliberations: 12,
      problems: 8,
      liveUpdatePeriodS: 30,
      lookupWarmup: 50,
      lookupRounds: 4,
      lookupsPerRound: 250,
    },
    default: {
      durationMs: 60_000,
      modelledRatePerSec: 4,
      compression: 10,
      users: 1_000,
      sessionsPerUser: 100,
      deliberations: 40,
      problems: 20,
      liveUpdatePeriodS: 30,
      lookupWarmup: 50,
      lookupRounds: 4,
      lookupsPerRound: 250,
    },
    full: {
      durationMs: 300_000,
      modelledRatePerSec: 10,
      compression: 5,
      users: 5_000,
      sessionsPerUser: 200,
      deliberations: 100,
      problems: 50,
      liveUpdatePeriodS: 30,
      lookupWarmup: 50,
      lookupRounds: 4,
      lookupsPerRound: 250,
    },
  },
  // Reads the run's seeded data: the runner seeds before the first scenario, outside this one's timings.
  seededData: true,
  // Self-check: its verdicts are database statement counts and hit rates, which a busy loop cannot distort; its latencies are secondary.
  selfCheck: { eventLoopDelayP99Ms: 250 },
  budgets: {
    // Guards against a cache silently not caching (a key bug, TTL 0): with Zipf access most
    // listed sessions repeat within the re-cache TTL.
    'cache.sessionMetadata.hit_rate': { value: '>= 0.3' },
    // The caches together must remove a visible share of the mix's statements.
    'cache.db_queries_saved_pct': { value: '>= 10%' },
  },
  // The first scenario of a run also seeds the template (~90 s on a loaded 2-core machine).
  timeoutMs: { ci: 480_000 },
  async run(ctx) {
    const p = ctx.params;
    const redisUrl = ctx.infra.redis?.url;
    if (redisUrl === undefined) throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, 'cache-effectiveness needs Redis');
    const db = await ctx.data.database({ label: 'cache', optimizations: 'none' });
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined); // a server going away must not crash the process
    await client.connect();
    let pop: Population;
    let tables: SeededTables;
    try {
      pop = await loadPopulation(client, {
        users: p.users,
        sessionsPerUser: p.sessionsPerUser,
        problems: p.problems,
        problemMaxBytes: API_DEFAULTS.problemMaxBytes,
      });
      tables = await readSeededTables(client, { samples: p.lookupWarmup + p.lookupRounds * p.lookupsPerRound, seed: ctx.seed });
    } finally {
      await client.end();
    }
    if (pop.users.length === 0 || pop.problems.length === 0)
      throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, 'cache-effectiveness needs seeded users, sessions and problems');
    const prefix = `ll:${ctx.name}:${Date.now().toString(36)}:`;
    const systems: System[] = [];
    try {
      for (const name of ['off', 'on'] as const) {
        systems.push(
          await createSystem({
            name,
            databaseUrl: db.url,
            redisUrl,
            prefix: `${prefix}${name}:`,
            compression: p.compression,
            engineConfig: (i) => ctx.engineConfig(i),
          }),
        );
      }
      const [off, on] = systems as [System, System];
      const tokens = await addTokens(off, pop);
      const { requests, achieved } = await runMix(ctx, off, on, pop, tokens);
      ctx.recorder.set('cache.achieved_rate_per_s', achieved, 'req/s');
      // When the paced loop falls behind, fewer requests share each TTL window: the hit rates are then a lower bound.
      ctx.recorder.set('cache.modelled_rate_per_s', achieved / p.compression, 'req/s');
      const delib = await runDeliberations(ctx, systems, pop, tokens);
      const lookups = await runLookups(ctx, off, tables);
      const method =
        `${METHOD} Modelled rate ${(achieved / p.compression).toFixed(2)} req/s (target ${p.modelledRatePerSec}), compression ${p.compression}x ` +
        `(aggregation TTL ${REAL_TTL_S.aggregation / p.compression} s, user context ${REAL_TTL_S.userContext / p.compression} s real); ` +
        `${requests} mix requests and ${p.deliberations} deliberations over ${pop.problems.length} problems per engine.`;
      ctx.report.method = method;
      reportCaches(off, on, requests, ctx.recorder, ctx.report, method);
      reportDeliberations(delib.off, delib.on, ctx.recorder, ctx.report);
      const mix = { statements: off.counts.get(STATEMENTS.userContext) ?? 0, totalMs: off.timeMs.get(STATEMENTS.userContext) ?? 0 };
      ctx.report.claims.push(userContextClaim(lookups, { rows: tables.userContextRows, mix, method: LOOKUP_METHOD }));
      // C36 is not reported: the engine has no research-cache lookup (no research path) and the seeded rows carry no embedding.
      ctx.report.claims.push(researchSavingClaim(tables));
      const m = ctx.recorder.toMeasurements().histograms;
      const before = m['cache.request.off'];
      const after = m['cache.request.on'];
      if (before !== undefined && after !== undefined) {
        ctx.report.comparisons.push({
          name: 'request latency, caches off vs on',
          metric: 'p95',
          unit: 'ms',
          better: 'lower',
          before: { variant: 'caches-off', value: before.p95, summary: before },
          after: { variant: 'caches-on', value: after.p95, summary: after },
          ratio: before.p95 / after.p95,
        });
      }
    } finally {
      for (const s of systems) await s.close().catch(() => undefined);
    }
  },
});
