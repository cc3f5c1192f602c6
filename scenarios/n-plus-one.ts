import { createApiServer } from '../engine/api/index.js';
import { resolveConfig } from '../engine/config/index.js';
import { createEngine, type Engine } from '../engine/index.js';
import { checkClaim } from '../harness/audit/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../harness/errors/index.js';
import { HISTOGRAM_RANGES, SqlFingerprintAggregator } from '../harness/metrics/index.js';
import { defineScenario, type ScenarioContext } from '../harness/scenario/index.js';
import { biggestSort, explainListing, statementCosts, type ActionsCost } from './internal/n-plus-one/actions-cost.js';

export interface NPlusOneParams {
  /** Requests per endpoint and variant; each listing request reads the next (older, uncached) page. */
  requests: number;
  /** bo1 defaults: sessions page 10 (§2.1), actions page 100 (§2.3). */
  sessionsLimit: number;
  actionsLimit: number;
}

type Endpoint = 'sessions' | 'actions';
const VARIANTS = ['audited', 'optimized'] as const;

const METHOD =
  "Real HTTP API (engine/api createApiServer, fastify inject) on an engine per variant, each on a clone of the same seeded rows (audited: the schema as audited; optimized: every schema recommendation); the heaviest user's " +
  'bearer token. Every request runs in a span (its x-request-id); the engine tracer feeds SqlFingerprintAggregator, which counts statements ' +
  "per request and flags one shape repeated >= 5 times under one span (Sentry's N+1 rule). Listing requests walk successive pages of older " +
  'sessions on a fresh Redis prefix, so session metadata is cold as in bo1 after terminal states expire. One uncounted warm-up request per endpoint (token lookup cache, schema detection). ' +
  "The actions endpoint's cost: each statement shape's client-side time per request from the tracer, and beside the listing's the server's " +
  'execution of the same statement for the same pages (EXPLAIN ANALYZE with per-node timing off, one run per page, mean), with the full plan of the middle page as evidence.';

/** The actions page request i asks for: successive pages, so each request's sessions are new. */
const actionsOffset = (i: number, p: NPlusOneParams): number => i * p.actionsLimit;

async function measure(
  engine: Engine,
  token: string,
  p: NPlusOneParams,
  variant: string,
  agg: SqlFingerprintAggregator,
  record: (e: Endpoint, q: number, ms: number) => void,
): Promise<void> {
  const api = await createApiServer(engine);
  try {
    // One uncounted warm-up per endpoint: the token lookup (then cached) and the listing's one-off
    // schema detection are per process, not per request.
    for (const url of ['/api/v1/sessions?limit=1&offset=0', '/api/v1/actions?limit=1&offset=0']) {
      await api.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${token}`, 'x-request-id': `${variant}-warmup-${url.length}` },
      });
    }
    for (const endpoint of ['sessions', 'actions'] as const) {
      for (let i = 0; i < p.requests; i++) {
        const id = `${variant}-${endpoint}-${i}`;
        const url =
          endpoint === 'sessions'
            ? `/api/v1/sessions?limit=${p.sessionsLimit}&offset=${i * p.sessionsLimit}`
            : `/api/v1/actions?limit=${p.actionsLimit}&offset=${actionsOffset(i, p)}`;
        const t0 = performance.now();
        const res = await api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, 'x-request-id': id } });
        const ms = performance.now() - t0;
        if (res.statusCode !== 200)
          throw new LoadlabError(HARNESS_ERRORS.TARGET_FAILED, `GET ${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
        record(endpoint, agg.queriesPerSpan().get(id) ?? 0, ms);
      }
    }
  } finally {
    await api.close();
  }
}

export const nPlusOneScenario = defineScenario<NPlusOneParams, void>({
  name: 'n-plus-one',
  title: 'Queries per request of GET /sessions and GET /actions, audited vs optimized (N+1 detection)',
  auditRef: '§1.1, Executive summary P0',
  profiles: {
    ci: { requests: 10, sessionsLimit: 10, actionsLimit: 100 },
    default: { requests: 50, sessionsLimit: 10, actionsLimit: 100 },
    full: { requests: 100, sessionsLimit: 10, actionsLimit: 100 },
  },
  // Reads the run's seeded data: the runner seeds before the first scenario, outside this one's timings.
  seededData: true,
  seededDatabases: 2,
  budgets: {
    // The optimized listing: one page query + one MGET (Redis, not counted): at most 2 statements.
    'n1.sessions.queries_per_request.optimized': { max: 2 },
    // The optimized actions listing: the page query + one batched session lookup.
    'n1.actions.queries_per_request.optimized': { max: 2 },
    // No statement shape may repeat 5+ times in one optimized request.
    'n1.optimized.n_plus_one_requests': { max: 0 },
  },
  timeoutMs: { ci: 480_000 },
  async run(ctx) {
    const p = ctx.params;
    const redisUrl = ctx.infra.redis?.url;
    if (redisUrl === undefined) throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, 'n-plus-one needs Redis');
    // Audited on the schema as audited; optimized with every schema recommendation (the actions
    // listing needs its index as much as its batched lookup).
    const dbs = {
      audited: await ctx.data.database({ label: 'n1_audited', optimizations: 'none' }),
      optimized: await ctx.data.database({ label: 'n1_optimized', optimizations: 'all' }),
    };
    const user = await ctx.data.heavyUser();
    if (user === undefined) throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, 'n-plus-one needs seeded data (a heavy user)');
    const perRequest = new Map<string, number[]>();
    const costs: ActionsCost[] = [];
    for (const variant of VARIANTS) {
      ctx.progress(variant);
      const agg = new SqlFingerprintAggregator();
      // The actions requests' statements on their own, for the per-statement cost of that endpoint.
      const actionsAgg = new SqlFingerprintAggregator();
      const input = ctx.engineConfig({
        databaseUrl: dbs[variant].url,
        redisUrl,
        redisKeyPrefix: `ll:n1:${variant}:${Date.now().toString(36)}:`,
        variant,
      });
      const engine = await createEngine({ config: input });
      engine.db.setTracer((t) => {
        const e = {
          fingerprint: t.fingerprint,
          sql: t.name ?? t.fingerprint,
          durationMs: t.durationMs,
          rows: t.rows,
          spanId: t.parentSpanId,
        };
        agg.hook(e);
        if (t.parentSpanId?.startsWith(`${variant}-actions-`) === true) actionsAgg.hook(e);
      });
      try {
        await measure(engine, user.token, p, variant, agg, (endpoint, q, ms) => {
          ctx.recorder.record(`n1.${endpoint}.queries_per_request.${variant}`, Math.max(q, 1), HISTOGRAM_RANGES.count);
          ctx.recorder.record(`n1.${endpoint}.latency.${variant}`, ms);
          perRequest.set(`${endpoint}.${variant}`, [...(perRequest.get(`${endpoint}.${variant}`) ?? []), q]);
        });
      } finally {
        await engine.close();
      }
      costs.push(
        await actionsCost(
          ctx,
          variant,
          dbs[variant].url,
          resolveConfig(input).db,
          user.userId,
          actionsAgg,
          perRequest.get(`actions.${variant}`)?.length ?? 0,
        ),
      );
      const hits = agg.detectNPlusOne(5);
      ctx.recorder.set(`n1.${variant}.n_plus_one_requests`, new Set(hits.map((h) => h.spanId)).size, 'count');
      const worst = [...hits].sort((a, b) => b.repeats - a.repeats)[0];
      if (worst !== undefined) ctx.recorder.set(`n1.${variant}.worst_repeats`, worst.repeats, 'count');
      for (const h of hits.slice(0, 3))
        ctx.logger.debug({ variant, span: h.spanId, repeats: h.repeats, fingerprint: h.fingerprint.slice(0, 120) }, 'N+1');
      ctx.report.evidence.samples.push(
        ...(['sessions', 'actions'] as const).map((e) => ({
          name: `n1.${e}.queries_per_request.${variant}`,
          unit: 'count' as const,
          values: perRequest.get(`${e}.${variant}`) ?? [],
        })),
      );
    }
    const m = ctx.recorder.toMeasurements().histograms;
    for (const e of ['sessions', 'actions'] as const) {
      const before = m[`n1.${e}.queries_per_request.audited`];
      const after = m[`n1.${e}.queries_per_request.optimized`];
      const lb = m[`n1.${e}.latency.audited`];
      const la = m[`n1.${e}.latency.optimized`];
      if (before === undefined || after === undefined || lb === undefined || la === undefined) continue;
      ctx.report.comparisons.push({
        name: `GET /api/v1/${e}: queries per request`,
        metric: 'mean',
        unit: 'count',
        better: 'lower',
        before: { variant: 'audited', value: before.mean, summary: before },
        after: { variant: 'optimized', value: after.mean, summary: after },
        ratio: before.mean / after.mean,
      });
      ctx.report.comparisons.push({
        name: `GET /api/v1/${e}: latency`,
        metric: 'p95',
        unit: 'ms',
        better: 'lower',
        before: { variant: 'audited', value: lb.p95, summary: lb },
        after: { variant: 'optimized', value: la.p95, summary: la },
        ratio: lb.p95 / la.p95,
      });
      // Weights per 1,000 requests from bo1's Locust BrowsingUser (5 : 3 of 12 tasks).
      const calls = e === 'sessions' ? 417 : 250;
      const saved = (lb.p95 - la.p95) * calls;
      ctx.report.findings.push({
        id: `n-plus-one.${e}`,
        priority: saved >= 10_000 ? 'P0' : saved >= 1_000 ? 'P1' : saved >= 100 ? 'P2' : 'P3',
        title: `GET /api/v1/${e}: ${before.mean.toFixed(1)} → ${after.mean.toFixed(1)} statements per request (N+1 ${e === 'sessions' ? 'metadata overlay' : 'source-session lookup'})`,
        evidence: [
          { kind: 'comparison', ref: `GET /api/v1/${e}: queries per request` },
          { kind: 'comparison', ref: `GET /api/v1/${e}: latency` },
        ],
        measuredImpact: {
          summary: `p95 ${lb.p95.toFixed(1)} → ${la.p95.toFixed(1)} ms per request; ${saved.toFixed(0)} ms saved per 1,000 API requests (${calls} of them ${e})`,
          metric: 'p95 time saved per 1,000 requests',
          value: saved,
          unit: 'ms',
          score: saved,
        },
        recommendation:
          e === 'sessions'
            ? 'Overlay metadata with one MGET for the page; fall back to the row already read (no per-row get_metadata).'
            : "Load the page's source sessions with one WHERE id = ANY($1) query.",
        auditRef: '§1.1',
      });
    }
    reportActionsCost(ctx, costs);
    const s = m['n1.sessions.queries_per_request.audited'];
    ctx.report.claims.push(
      checkClaim('C01', s === undefined ? null : s.p50, {
        summary:
          s === undefined
            ? 'not measured'
            : `audited GET /sessions (page ${p.sessionsLimit}, cold metadata): p50 ${s.p50} statements per request (max ${s.max}); optimized max ${m['n1.sessions.queries_per_request.optimized']?.max ?? 'n/a'}; actions audited p50 ${m['n1.actions.queries_per_request.audited']?.p50 ?? 'n/a'}`,
        method: METHOD,
      }),
    );
  },
});

/** The actions endpoint's cost split by statement, with the listing's plan (issue 18). */
async function actionsCost(
  ctx: ScenarioContext<NPlusOneParams>,
  variant: string,
  url: string,
  db: ReturnType<typeof resolveConfig>['db'],
  userId: string,
  agg: SqlFingerprintAggregator,
  requests: number,
): Promise<ActionsCost> {
  const latency = ctx.recorder.toMeasurements().histograms[`n1.actions.latency.${variant}`];
  const requestMeanMs = latency?.mean ?? 0;
  const statements = statementCosts(agg.stats(), Math.max(1, requests), requestMeanMs);
  // The same pages the requests walked.
  const offsets = Array.from({ length: ctx.params.requests }, (_, i) => actionsOffset(i, ctx.params));
  const { plan, execution, userActions } = await explainListing(url, db, userId, ctx.params.actionsLimit, offsets, variant);
  ctx.report.evidence.plans.push({ ...plan, name: `GET /api/v1/actions listing (${variant})` });
  const sql = statements.reduce((a, x) => a + x.msPerRequest, 0);
  return {
    variant,
    requests,
    requestMeanMs,
    statements,
    otherMsPerRequest: Math.max(0, requestMeanMs - sql),
    plan,
    execution,
    sort: biggestSort(plan.raw),
    userActions,
  };
}

function describeCost(c: ActionsCost): string {
  const top = c.statements[0];
  const parts = [`${c.variant}: ${c.requestMeanMs.toFixed(1)} ms per request (mean of ${c.requests})`];
  if (top !== undefined)
    parts.push(
      `${top.name} ${top.msPerRequest.toFixed(1)} ms (${(top.share * 100).toFixed(0)} %, ${top.callsPerRequest.toFixed(1)} call(s))`,
    );
  for (const x of c.statements.slice(1, 3)) parts.push(`${x.name} ${x.msPerRequest.toFixed(1)} ms × ${x.callsPerRequest.toFixed(1)}`);
  parts.push(`outside SQL ${c.otherMsPerRequest.toFixed(1)} ms`);
  const sort =
    c.sort === null
      ? 'no sort'
      : `sorts ${c.sort.rowsIn.toLocaleString('en-US')} rows on ${c.sort.keys} key(s) (${c.sort.method}, ${c.sort.spaceType} ${c.sort.spaceKb} kB)`;
  const scan = c.plan.indexes.length > 0 ? `via ${c.plan.indexes.join(', ')}` : c.plan.scanTypes.join(', ');
  const e = c.execution;
  parts.push(
    `listing server execution ${e.meanMs.toFixed(1)} ms (EXPLAIN ANALYZE, timing off, of the same ${e.pages} page(s), mean; first ${e.firstMs.toFixed(1)} ms, last ${e.lastMs.toFixed(1)} ms)`,
  );
  parts.push(`plan of the page at offset ${e.planOffset}: ${sort}, ${scan}`);
  return parts.join('; ');
}

function reportActionsCost(ctx: ScenarioContext<NPlusOneParams>, costs: readonly ActionsCost[]): void {
  const before = costs.find((c) => c.variant === 'audited');
  const after = costs.find((c) => c.variant === 'optimized');
  if (before === undefined || after === undefined) return;
  for (const c of costs) {
    ctx.recorder.set(
      `n1.actions.listing_ms.${c.variant}`,
      c.statements.find((x) => x.name.startsWith('actions.get_by_user'))?.msPerRequest ?? 0,
      'ms',
    );
    ctx.recorder.set(`n1.actions.listing_execution_ms.${c.variant}`, c.execution.meanMs, 'ms');
  }
  const saved = (before.requestMeanMs - after.requestMeanMs) * 250;
  const listing = before.statements[0];
  ctx.report.findings.push({
    id: 'n-plus-one.actions-cost',
    priority: saved >= 10_000 ? 'P0' : saved >= 1_000 ? 'P1' : saved >= 100 ? 'P2' : 'P3',
    title:
      `GET /api/v1/actions (page of ${ctx.params.actionsLimit}, a user with ${before.userActions.toLocaleString('en-US')} actions): ` +
      `${listing === undefined ? 'no statement traced' : `${listing.name} is ${(listing.share * 100).toFixed(0)} % of the request`}`,
    evidence: [
      { kind: 'plan', ref: `GET /api/v1/actions listing (audited)` },
      { kind: 'plan', ref: `GET /api/v1/actions listing (optimized)` },
      { kind: 'comparison', ref: 'GET /api/v1/actions: latency' },
    ],
    measuredImpact: {
      summary: `${describeCost(before)}. ${describeCost(after)}. ${saved.toFixed(0)} ms saved per 1,000 API requests (250 of them actions)`,
      metric: 'mean time saved per 1,000 requests',
      value: saved,
      unit: 'ms',
      score: saved,
    },
    recommendation:
      "Page a user's actions from an index in the listing's order, actions (user_id, sort_order, created_at DESC) WHERE deleted_at IS NULL (optimisation actions-user-sort), " +
      'and drop the SELECT DISTINCT, which no row can need (the LEFT JOIN is on the sessions primary key; db.actionsListShape plain): the server then stops after one page instead of sorting every action of the user.',
    auditRef: '§2.3',
  });
}
