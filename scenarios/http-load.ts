import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createApiServer } from '../engine/api/index.js';
import { createEngine } from '../engine/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../harness/errors/index.js';
import { runHttpLoad, type HttpLoadResult } from '../harness/load/index.js';
import { defineScenario } from '../harness/scenario/index.js';

export interface HttpLoadParams {
  /** Fixed arrival rate per endpoint (coordinated omission corrected by runHttpLoad). */
  ratePerSec: number;
  connections: number;
  durationSec: number;
  /** Alternating rounds (audited, optimized, optimized, audited...): spread of each comparison. */
  rounds: number;
}

const ENDPOINTS = ['listing', 'detail', 'actions', 'health'] as const;
type Endpoint = (typeof ENDPOINTS)[number];
const VARIANTS = ['audited', 'optimized'] as const;

/** bo1's own SLO (bo1-facts §9.3): API p95 < 500 ms, 5xx < 0.5 %. */
const SLO_P95_MS = 500;

/*
 * Method: autocannon (harness/load runHttpLoad) at a fixed rate per endpoint against a real HTTP
 * server on 127.0.0.1 (port 0) per variant (engine variant audited: pool 20, LEFT JOIN listing,
 * IN-subquery tags, per-row metadata and session lookups; optimized: the recommendations), both on
 * one seeded clone with the audit-time schema, heaviest user's token. Latency includes
 * coordinated-omission back-fill. Per endpoint and variant: p50 = median of rounds, p95/p99 = worst round.
 */

export const httpLoadScenario = defineScenario<HttpLoadParams, void>({
  name: 'http-load',
  title: 'HTTP load on listing, detail, actions and health: audited vs optimized vs bo1 SLO',
  auditRef: '§1.1, §6, bo1 SLO (p95 < 500 ms)',
  profiles: {
    ci: { ratePerSec: 20, connections: 5, durationSec: 2, rounds: 2 },
    default: { ratePerSec: 50, connections: 10, durationSec: 10, rounds: 3 },
    full: { ratePerSec: 100, connections: 20, durationSec: 30, rounds: 3 },
  },
  // Reads the run's seeded data: the runner seeds before the first scenario, outside this one's timings.
  seededData: true,
  budgets: {
    // bo1's SLO on the optimized system at the ci rate.
    'http.listing.optimized.p95': { value: '< 500ms' },
    'http.actions.optimized.p95': { value: '< 500ms' },
    // Nothing a well-formed authenticated request does may fail.
    'http.optimized.errors': { max: 0 },
  },
  timeoutMs: { ci: 480_000 },
  async run(ctx) {
    const p = ctx.params;
    const redisUrl = ctx.infra.redis?.url;
    if (redisUrl === undefined) throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, 'http-load needs Redis', { kind: 'config' });
    const db = await ctx.data.database({ label: 'http', optimizations: 'none' });
    const user = await ctx.data.heavyUser();
    if (user === undefined) throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, 'http-load needs seeded data (a heavy user)', { kind: 'config' });
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const recent = await c.query<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1', [user.userId]).finally(() => c.end());
    const sessionId = recent.rows[0]?.id ?? 'bo1_missing';
    const paths: Record<Endpoint, string> = {
      listing: '/api/v1/sessions?limit=10', detail: `/api/v1/sessions/${sessionId}`, actions: '/api/v1/actions?limit=100', health: '/api/health',
    };
    const results = new Map<string, HttpLoadResult[]>();
    for (let round = 0; round < p.rounds; round++) {
      for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
        const engine = await createEngine({ config: ctx.engineConfig({ databaseUrl: db.url, redisUrl, redisKeyPrefix: `ll:http:${variant}:${round}:`, variant }) });
        const api = await createApiServer(engine);
        try {
          await api.app.listen({ host: '127.0.0.1', port: 0 });
          const { port } = api.app.server.address() as AddressInfo;
          for (const e of ENDPOINTS) {
            ctx.progress(`${variant} ${e}`, `round ${round + 1}/${p.rounds}`);
            const r = await runHttpLoad({
              url: `http://127.0.0.1:${port}${paths[e]}`, headers: { authorization: `Bearer ${user.token}` },
              connections: p.connections, durationSec: p.durationSec, overallRate: p.ratePerSec, signal: ctx.signal,
            });
            results.set(`${e}.${variant}`, [...(results.get(`${e}.${variant}`) ?? []), r]);
          }
        } finally {
          await api.close();
          await engine.close();
        }
      }
    }
    for (const variant of VARIANTS) {
      let errors = 0;
      for (const e of ENDPOINTS) {
        const rs = results.get(`${e}.${variant}`) ?? [];
        const sorted = rs.map((r) => r.latency.p50).sort((a, b) => a - b);
        ctx.recorder.set(`http.${e}.${variant}.p50`, sorted[Math.floor(sorted.length / 2)] ?? 0, 'ms');
        ctx.recorder.set(`http.${e}.${variant}.p95`, Math.max(...rs.map((r) => r.latency.p95)), 'ms');
        ctx.recorder.set(`http.${e}.${variant}.p99`, Math.max(...rs.map((r) => r.latency.p99)), 'ms');
        ctx.recorder.set(`http.${e}.${variant}.requests`, rs.reduce((a, r) => a + r.requests, 0), 'count');
        ctx.recorder.set(`http.${e}.${variant}.rps`, rs.reduce((a, r) => a + r.throughput.requestsPerSec, 0) / Math.max(1, rs.length), 'req/s');
        const bad = rs.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0);
        ctx.recorder.set(`http.${e}.${variant}.errors`, bad, 'count');
        errors += bad;
      }
      ctx.recorder.set(`http.${variant}.errors`, errors, 'count');
    }
    for (const e of ENDPOINTS) {
      const a = results.get(`${e}.audited`) ?? [];
      const o = results.get(`${e}.optimized`) ?? [];
      const before = Math.max(...a.map((r) => r.latency.p95));
      const after = Math.max(...o.map((r) => r.latency.p95));
      const per = a.map((r, i) => r.latency.p95 / (o[i]?.latency.p95 ?? Number.NaN)).filter(Number.isFinite);
      ctx.report.comparisons.push({
        name: `GET ${e}: audited vs optimized`, metric: 'p95', unit: 'ms', better: 'lower',
        before: { variant: 'audited', value: before, ...(a[0] === undefined ? {} : { summary: a[0].latency }) },
        after: { variant: 'optimized', value: after, ...(o[0] === undefined ? {} : { summary: o[0].latency }) },
        ratio: before / after,
        ...(per.length > 0 ? { interval: { method: 'min-max' as const, low: Math.min(...per), high: Math.max(...per), n: per.length } } : {}),
      });
      if (before > SLO_P95_MS || after > SLO_P95_MS) {
        ctx.report.findings.push({
          id: `http-load.slo.${e}`, priority: after > SLO_P95_MS ? 'P1' : 'P2', title: `GET ${e} breaks bo1's p95 < ${SLO_P95_MS} ms SLO (${after > SLO_P95_MS ? 'even optimized' : 'audited only'})`,
          evidence: [{ kind: 'comparison', ref: `GET ${e}: audited vs optimized` }],
          measuredImpact: { summary: `p95 audited ${before.toFixed(0)} ms, optimized ${after.toFixed(0)} ms at ${p.ratePerSec} req/s`, metric: 'p95 over SLO', value: Math.max(before, after) - SLO_P95_MS, unit: 'ms', score: (before - after) * 1000 / p.ratePerSec },
          recommendation: after > SLO_P95_MS ? 'Profile the endpoint under load (loadlab profile) before raising capacity.' : 'Ship the optimized variant (batched lookups, task_count listing, pool 75).',
          auditRef: '§1.1',
        });
      }
    }
    ctx.report.evidence.samples.push(...[...results].map(([k, rs]) => ({ name: `http.${k}.p95_per_round`, unit: 'ms' as const, values: rs.map((r) => r.latency.p95) })));
  },
});
