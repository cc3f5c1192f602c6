import pg from 'pg';
import { HARNESS_ERRORS, LoadlabError } from '../harness/errors/index.js';
import { defineScenario } from '../harness/scenario/index.js';
import { reportCaches } from './internal/cache-effectiveness/report.js';
import { REAL_TTL_S, createSystem, type System } from './internal/cache-effectiveness/system.js';
import { loadPopulation, requestStream } from './internal/cache-effectiveness/workload.js';

export interface CacheEffectivenessParams {
  /** Wall-clock length of the measured run. */
  durationMs: number;
  /** Modelled traffic, requests per second of real (uncompressed) time. */
  modelledRatePerSec: number;
  /** Time compression: TTLs and the live-session update period are divided by it, the rate multiplied. */
  compression: number;
  /** Users drawn (Zipf by rank) and their most recent sessions. */
  users: number;
  sessionsPerUser: number;
  problems: number;
  /** bo1 flushes a live session's costs every 30 s and writes its status/phase as it moves (§5.2). */
  liveUpdatePeriodS: number;
}

const METHOD = 'Same seeded request sequence (Zipf users s=1, their recent sessions s=1.2; mix: 50% SSE status checks, 15% detail, '
  + '15% listing with per-row metadata, 10% cost view, 8% event history, 2% deliberation starts) executed on two copies of the read paths, '
  + 'every cache off vs on, each through its own engine Db whose tracer counts statements by name. TTLs as proposed (metadata 300 s, '
  + 'user context 300 s, aggregation 60 s) divided by the time compression, rate multiplied by it; live sessions invalidate their metadata '
  + 'and aggregation every 30 s (modelled). C17 = metadata reads avoided / all statements of the mix with caches off; C18 = get_session_costs avoided / issued.';

export const cacheEffectivenessScenario = defineScenario<CacheEffectivenessParams, void>({
  name: 'cache-effectiveness',
  title: 'Cache hit rates and database queries saved under a Zipf repeat mix',
  auditRef: '§3.1, §3.2, §7 P2.6, P2.8',
  profiles: {
    ci: { durationMs: 10_000, modelledRatePerSec: 2, compression: 20, users: 200, sessionsPerUser: 50, problems: 400, liveUpdatePeriodS: 30 },
    default: { durationMs: 60_000, modelledRatePerSec: 4, compression: 10, users: 1_000, sessionsPerUser: 100, problems: 2_000, liveUpdatePeriodS: 30 },
    full: { durationMs: 300_000, modelledRatePerSec: 10, compression: 5, users: 5_000, sessionsPerUser: 200, problems: 10_000, liveUpdatePeriodS: 30 },
  },
  // Reads the run's seeded data: the runner seeds before the first scenario, outside this one's timings.
  seededData: true,
  // Self-check: its verdicts are database statement counts and hit rates, which a busy loop cannot distort; its latencies are secondary.
  selfCheck: { eventLoopDelayP99Ms: 250 },
  budgets: {
    // Guards against a cache silently not caching (a key bug, TTL 0): with Zipf access most
    // metadata lookups repeat within 300 s.
    'cache.sessionMetadata.hit_rate': { value: '>= 0.3' },
    // The caches together must remove a visible share of the mix's statements.
    'cache.db_queries_saved_pct': { value: '>= 10%' },
  },
  // The first scenario of a run also seeds the template (~90 s on a loaded 2-core machine).
  timeoutMs: { ci: 480_000 },
  async run(ctx) {
    const p = ctx.params;
    const redisUrl = ctx.infra.redis?.url;
    if (redisUrl === undefined) throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, 'cache-effectiveness needs Redis', { kind: 'config' });
    const db = await ctx.data.database({ label: 'cache', optimizations: 'none' });
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined); // a server going away must not crash the process
    await client.connect();
    const pop = await loadPopulation(client, { users: p.users, sessionsPerUser: p.sessionsPerUser, problems: p.problems }).finally(() => client.end());
    const prefix = `ll:${ctx.name}:${Date.now().toString(36)}:`;
    const systems: System[] = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      const off = await createSystem({ name: 'off', databaseUrl: db.url, redisUrl, prefix: `${prefix}off:`, compression: p.compression });
      systems.push(off);
      const on = await createSystem({ name: 'on', databaseUrl: db.url, redisUrl, prefix: `${prefix}on:`, compression: p.compression });
      systems.push(on);
      const next = requestStream(pop, ctx.seed);
      const accessedLive = new Set<string>();
      const live = new Set(pop.live);
      timer = setInterval(() => { void on.invalidate([...accessedLive]); }, (p.liveUpdatePeriodS * 1000) / p.compression);
      const intervalMs = 1000 / (p.modelledRatePerSec * p.compression);
      const t0 = performance.now();
      let n = 0;
      ctx.progress('requests');
      while (performance.now() - t0 < p.durationMs) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const req = next();
        if (live.has(req.sessionId)) accessedLive.add(req.sessionId);
        // Alternate which copy goes first, so neither always finds the shared buffers warm.
        for (const s of n % 2 === 0 ? [off, on] : [on, off]) await ctx.recorder.time(`cache.request.${s.name}`, () => s.execute(req));
        n++;
        const due = t0 + n * intervalMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (n % 200 === 0) ctx.progress('requests', `${n}`);
      }
      const achieved = (n * 1000) / (performance.now() - t0);
      ctx.recorder.set('cache.achieved_rate_per_s', achieved, 'req/s');
      // When the paced loop falls behind, fewer requests share each TTL window: the hit rates are then a lower bound.
      ctx.recorder.set('cache.modelled_rate_per_s', achieved / p.compression, 'req/s');
      const method = `${METHOD} Modelled rate ${(achieved / p.compression).toFixed(2)} req/s (target ${p.modelledRatePerSec}), compression ${p.compression}x (metadata TTL ${REAL_TTL_S.metadata / p.compression} s real).`;
      reportCaches(off, on, n, ctx.recorder, ctx.report, method);
      const m = ctx.recorder.toMeasurements().histograms;
      const before = m['cache.request.off'];
      const after = m['cache.request.on'];
      if (before !== undefined && after !== undefined) {
        ctx.report.comparisons.push({
          name: 'request latency, caches off vs on', metric: 'p95', unit: 'ms', better: 'lower',
          before: { variant: 'caches-off', value: before.p95, summary: before }, after: { variant: 'caches-on', value: after.p95, summary: after }, ratio: before.p95 / after.p95,
        });
      }
    } finally {
      if (timer !== undefined) clearInterval(timer);
      for (const s of systems) await s.close().catch(() => undefined);
    }
  },
});
