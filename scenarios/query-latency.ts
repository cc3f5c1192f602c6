import pg from 'pg';
import { createDb } from '../engine/db/index.js';
import { Histogram, HISTOGRAM_RANGES } from '../harness/metrics/index.js';
import type { LatencyBreakdownRow } from '../harness/result/index.js';
import { defineScenario } from '../harness/scenario/index.js';
import type { StatementMode } from '../engine/db/index.js';
import { calibrateQueries } from './internal/query-latency/calibrate.js';
import { buildCatalogue, type HotQuery, type QueryId } from './internal/query-latency/catalogue.js';
import { prepareDatabases, type VariantDatabase } from './internal/query-latency/databases.js';
import { judgeListingScaling } from './internal/query-latency/listing-scaling.js';
import { AUDITED_MODE, measureInterleaved } from './internal/query-latency/measure.js';
import { drawParams } from './internal/query-latency/params.js';
import { capturePlans } from './internal/query-latency/plans.js';
import { RecordingDb } from './internal/query-latency/recording.js';
import { buildReport } from './internal/query-latency/report.js';
import {
  breakdownRow,
  probeServerStats,
  resetStatements,
  statementTimes,
  withTrackPlanning,
} from './internal/query-latency/server-stats.js';

export interface QueryLatencyParams {
  /** Interleaved rounds; each round's p95 is kept so every ratio carries a min-max spread. */
  rounds: number;
  /** Executions per variant per round (rounds × perRound ≥ 200, the spec's minimum). */
  perRound: number;
  /** Unrecorded executions per variant first (plan cache, shared buffers). */
  warmup: number;
  /** Heaviest users drawn for the listing and the tag filters. */
  users: number;
  /** Distinct sessions / tag combinations drawn per query. */
  samples: number;
  /** bo1's GET /api/v1/sessions default page (§2.1). */
  listLimit: number;
  /** Executions per variant and mode in the latency-split pass (server statistics of that pass alone). */
  splitExecutions: number;
  /** Executions per size and shape per round of the sessions-per-user listing sweep (C34; 0: not measured). */
  scalingPerRound: number;
  /** Executions per side in the pgbench calibration (0: no calibration). */
  calibrate: number;
  /**
   * Calibrate the prepared mode too, not only the audited (simple) one that judges the claims and
   * budgets. Off at ci: it is half of the calibration's time, which was the largest block of a ci audit.
   */
  calibrateOtherModes: boolean;
}

/**
 * How often each query runs per 1,000 API requests, to turn Δp95 into time saved. The listing
 * and action shares come from bo1's own Locust BrowsingUser weights (§9.1: 5 list sessions :
 * 3 list actions out of 12 tasks), assuming half of the action listings carry a tag filter,
 * split over 1-3 tags. Events and costs are per-session views (history on detail pages; the
 * admin cost page runs both cost queries): modelling assumptions, stated in the method.
 */
const CALLS_PER_1000: Record<QueryId, number> = {
  list_sessions: 417,
  actions_tags_1: 42,
  actions_tags_2: 42,
  actions_tags_3: 42,
  get_events: 100,
  get_session_costs: 20,
  get_subproblem_costs: 20,
};

const METHOD =
  'Engine repositories (exact SQL of engine/db) on clones of one seeded template: baseline, each optimisation alone ' +
  "(the only one touching the query's tables), all (the listing's variants that need sessions-covering run on clones cut down to sessions, session_tasks and users). Clones VACUUMed (as autovacuum keeps production tables) so index-only scans are possible. " +
  'Sequential client, variants interleaved per iteration in shuffled order, same parameters for every variant (heaviest users, their co-occurring tags, ' +
  'sessions with rows in the last 30 days). Latency = client-side repository call time, HDR histograms; the interval of a claim is the 95 % order-statistic interval of the pooled p95 (for a ratio, low over high and high over low), widened to the min-max of the per-round figures where those spread further. ' +
  'Plans from EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of the recorded statement, judged on non-empty relations only.';

export const queryLatencyScenario = defineScenario<QueryLatencyParams, void>({
  name: 'query-latency',
  title: 'Hot query latency and plans: baseline vs each optimisation vs all',
  auditRef: '§1.2, §1.3, §9 scenario 2',
  profiles: {
    ci: {
      rounds: 4,
      perRound: 50,
      warmup: 10,
      users: 20,
      samples: 200,
      listLimit: 10,
      splitExecutions: 100,
      scalingPerRound: 100,
      calibrate: 200,
      calibrateOtherModes: false,
    },
    default: {
      rounds: 5,
      perRound: 100,
      warmup: 20,
      users: 50,
      samples: 500,
      listLimit: 10,
      splitExecutions: 200,
      scalingPerRound: 200,
      calibrate: 400,
      calibrateOtherModes: true,
    },
    full: {
      rounds: 10,
      perRound: 100,
      warmup: 50,
      users: 100,
      samples: 1_000,
      listLimit: 10,
      splitExecutions: 400,
      scalingPerRound: 200,
      calibrate: 1_000,
      calibrateOtherModes: true,
    },
  },
  // Reads the run's seeded data: the runner seeds before the first scenario, outside this one's timings.
  seededData: true,
  // Whole clones alive at once: baseline and singles; sessions-covering and the listing's "all" keep
  // only the listing's tables (internal/query-latency/databases.ts), a few percent of a clone.
  seededDatabases: 2,
  budgets: {
    // Thresholds are regression guards for a shared 2-core CI machine (load from other jobs puts
    // p95 at 3-10x p50 there), not the audit's targets: those are judged as claims (C04, C13).
    // Optimised listing: one index range scan of 10 rows (p50 ~3 ms at ci size).
    'query.list_sessions.all': { p95: '< 50ms' },
    // Optimised 2-tag filter: p50 ~12 ms at ci size (DISTINCT over 36 columns dominates).
    'query.actions_tags_2.all': { p95: '< 100ms' },
    // get_events with the covering index: ~50 jsonb rows per session, p50 ~7 ms.
    'query.get_events.all': { p95: '< 100ms' },
    // Cost aggregation over ~35 rows per session, p50 ~8 ms.
    'query.get_session_costs.all': { p95: '< 100ms' },
  },
  // The first scenario of a run also seeds the template (~90 s on a loaded 2-core machine).
  // default: 5 rounds over 50 variants x modes, the split and 28 calibration rows took past 15 minutes (2026-12-07).
  timeoutMs: { ci: 480_000, default: 2_400_000 },
  async run(ctx) {
    const p = ctx.params;
    const dbs = await prepareDatabases(ctx);
    // The audited mode always; prepared beside it unless the run turned that recommendation off.
    const modes: StatementMode[] = ctx.disabled.includes('db.statementMode') ? [AUDITED_MODE] : [AUDITED_MODE, 'prepared'];
    const engines = new Map<StatementMode, Map<VariantDatabase['id'], RecordingDb>>();
    const clients = new Map<string, pg.Client>();
    try {
      for (const d of dbs) {
        const c = new pg.Client({ connectionString: d.url });
        c.on('error', () => undefined);
        await c.connect();
        clients.set(d.id, c);
      }
      const base = clients.get('baseline') as pg.Client;
      const stats = await probeServerStats(base);
      if (stats.available) for (const d of dbs) if (d.id !== 'baseline') await probeServerStats(clients.get(d.id) as pg.Client);
      for (const mode of modes) {
        const byDb = new Map<VariantDatabase['id'], RecordingDb>();
        for (const d of dbs) {
          const url = stats.trackPlanning ? withTrackPlanning(d.url) : d.url;
          byDb.set(
            d.id,
            new RecordingDb(
              createDb({
                databaseUrl: url,
                poolMin: 0,
                poolMax: 2,
                connectionTimeoutMs: 10_000,
                idleTimeoutMs: 30_000,
                statementTimeoutMs: 30_000,
                statementMode: mode,
              }),
            ),
          );
        }
        engines.set(mode, byDb);
      }
      const params = await drawParams(base, ctx.seed, { users: p.users, samples: p.samples });
      const byMode = new Map(
        modes.map(
          (mode) =>
            [mode, buildCatalogue(engines.get(mode) as Map<VariantDatabase['id'], RecordingDb>, params, p.listLimit, mode)] as const,
        ),
      );
      const all = [...byMode.values()].flat();
      const audited = byMode.get(AUDITED_MODE) as HotQuery[];
      ctx.progress('measure', `${all.reduce((a, q) => a + q.variants.length, 0)} variants × modes`);
      const rounds = await measureInterleaved(all, ctx.recorder, {
        warmup: p.warmup,
        rounds: p.rounds,
        perRound: p.perRound,
        seed: ctx.seed,
        signal: ctx.signal,
        onRound: (r) => ctx.progress('measure', `round ${r}/${p.rounds}`),
      });
      ctx.progress('explain');
      const plans = await capturePlans(audited, clients);
      ctx.report.evidence.plans.push(...plans.map((x) => x.plan));
      ctx.report.evidence.samples.push(
        ...[...rounds].map(([name, values]) => ({ name: `${name}.p95_per_round`, unit: 'ms' as const, values })),
      );
      for (const x of plans) ctx.recorder.set(`plan.${x.query}.${x.variant}.planning_ms`, x.plan.planningMs, 'ms');
      const measurements = ctx.recorder.toMeasurements();
      // The split: per variant and mode, a pass of its own (statistics reset, then only this
      // statement runs on its database), so the server totals belong to it alone.
      ctx.progress('latency split');
      const breakdown: LatencyBreakdownRow[] = [];
      for (const q of all) {
        for (const v of q.variants) {
          const c = clients.get(v.db) as pg.Client;
          if (stats.available) await resetStatements(c);
          const h = new Histogram(HISTOGRAM_RANGES.latencyMs);
          for (let i = 0; i < p.splitExecutions; i++) {
            if (ctx.signal.aborted) throw ctx.signal.reason;
            const t0 = performance.now();
            await v.exec(i);
            h.record(performance.now() - t0);
          }
          const server = stats.available ? await statementTimes(c) : null;
          const plan = plans.find((x) => x.query === q.id && x.variant === v.id)?.plan;
          const sum = h.summarize();
          breakdown.push(
            breakdownRow(
              {
                query: q.id,
                variant: v.id,
                mode: q.mode,
                n: sum.count,
                clientP50Ms: sum.p50,
                clientP95Ms: sum.p95,
                clientMeanMs: sum.mean,
              },
              server,
              plan === undefined ? undefined : { planningMs: plan.planningMs, executionMs: plan.executionMs },
              q.mode === AUDITED_MODE,
            ),
          );
        }
      }
      ctx.report.method =
        `${METHOD} Statement modes: ${modes.join(' and ')} (the audited system's psycopg2 sent client-interpolated simple queries, ` +
        `so every call was planned again; prepared statements plan once per connection). Latency split: a separate pass per variant and mode (${p.splitExecutions} executions, nothing else running on its database), ${stats.note}; the client part is that pass's client mean minus both.`;
      buildReport(
        {
          queries: audited,
          measurements,
          rounds,
          plans,
          callsPer1000: CALLS_PER_1000,
          method: ctx.report.method,
          breakdown,
          otherModes: modes.filter((x) => x !== AUDITED_MODE),
          quantile: (metric) => (ctx.recorder.names().includes(metric) ? ctx.recorder.histogram(metric) : undefined),
        },
        ctx.report,
      );
      if (p.calibrate > 0) {
        ctx.progress('calibration');
        const calibrated = p.calibrateOtherModes ? all : all.filter((q) => q.mode === AUDITED_MODE);
        await calibrateQueries(calibrated, new Map(dbs.map((d) => [d.id, d.url])), ctx.report, {
          executions: p.calibrate,
          warmup: p.warmup,
          variants: ['baseline', 'all'],
          signal: ctx.signal,
          onStep: (sub) => ctx.progress('calibration', sub),
        });
        if (calibrated.length < all.length) {
          ctx.report.calibration.method += ` At this profile only the ${AUDITED_MODE} mode (the audited one, which judges the claims and budgets) is calibrated; the default and full profiles calibrate every mode.`;
        }
      }
      // Last: for sizes the seed lacks it writes synthetic users into the baseline and singles clones.
      if (p.scalingPerRound > 0) {
        ctx.progress('listing by sessions per user');
        const simple = engines.get(AUDITED_MODE) as Map<VariantDatabase['id'], RecordingDb>;
        await judgeListingScaling(
          {
            baseline: simple.get('baseline') as RecordingDb,
            taskCount: simple.get('singles') as RecordingDb,
            baseClient: base,
            taskCountClient: clients.get('singles') as pg.Client,
            listLimit: p.listLimit,
            warmup: p.warmup,
            rounds: p.rounds,
            perRound: p.scalingPerRound,
            seed: ctx.seed,
            signal: ctx.signal,
            recorder: ctx.recorder,
          },
          ctx.report,
        );
      }
    } finally {
      for (const c of clients.values()) await c.end().catch(() => undefined);
      for (const byDb of engines.values()) for (const e of byDb.values()) await e.db.close().catch(() => undefined);
    }
  },
});
