import pg from 'pg';
import { HARNESS_ERRORS, LoadlabError } from '../harness/errors/index.js';
import { defineScenario } from '../harness/scenario/index.js';
import { reportPool, type VariantRounds } from './internal/pool-exhaustion/report.js';
import { runRound } from './internal/pool-exhaustion/round.js';

export interface PoolExhaustionParams {
  /** Concurrent sessions per round (the audit's scenario: the 50-session cap). */
  sessions: number;
  /** Pool sizes compared: audit time vs the recommendation (§4.2). */
  pools: [number, number];
  /** Alternating rounds per pool size (spread of every comparison). */
  rounds: number;
  /** Mock LLM delay factor (realistic profile: core p50 6 s); DB time is not scaled. */
  timeScale: number;
  /** API reads per second on the same pool (bo1 Locust normal: 10 users ≈ 5-10 req/s; peak 50 is more than this 2-core box serves for the heaviest users). */
  apiRatePerSec: number;
}

const METHOD =
  'createEngine (audited variant, mock LLM "realistic" profile time-scaled, 1 sub-problem) on a seeded clone; per round N sessions ' +
  'started at once under the 50-session cap plus an open-model stream of API reads (5 listings + detail : 3 action listings, heaviest users) on ' +
  'the same pool, pool sizes alternating per round. Acquire wait from the engine tracer (statements inside a transaction excluded); every ' +
  'pool checkout also classified by the pool state when it was asked for (served by an idle connection, a new connection opened below max, ' +
  'or the wait queue behind busy connections: only the last is queueing); waiting ' +
  'clients sampled every 100 ms, failures by error code (LL_DB_POOL_TIMEOUT = 5 s checkout timeout with every connection busy, LL_DB_UNREACHABLE = server not reachable). Time scaling compresses LLM waits only, ' +
  "so the run is a stress bound (DB demand ×1/timeScale); real-time demand from Little's law on measured DB time per session.";

export const poolExhaustionScenario = defineScenario<PoolExhaustionParams, void>({
  name: 'pool-exhaustion',
  title: 'Connection pool 20 vs 75 under 50 concurrent sessions plus API traffic',
  auditRef: '§4.1, §4.2, §6.1',
  profiles: {
    // 0.2, not 0.1: at 10x compression the 50 in-process sessions kept the harness at 94-97% of a
    // core (p95) on the 2-core CI box and the run was marked untrusted; at 5x it is ~65%.
    ci: { sessions: 50, pools: [20, 75], rounds: 1, timeScale: 0.2, apiRatePerSec: 10 },
    default: { sessions: 50, pools: [20, 75], rounds: 3, timeScale: 0.05, apiRatePerSec: 50 },
    full: { sessions: 50, pools: [20, 75], rounds: 5, timeScale: 0.1, apiRatePerSec: 50 },
  },
  // Reads the run's seeded data: the runner seeds before the first scenario, outside this one's timings.
  seededData: true,
  // Self-check: it runs 50 sessions inside the harness process on purpose, so the loop is busy by design; it measures pool waits of tens to hundreds of ms, and CPU saturation (the real generator limit) stays checked.
  selfCheck: { eventLoopDelayP99Ms: 250 },
  budgets: {
    // The recommended pool must carry 50 sessions + API traffic without a checkout timeout.
    'pool.pool-75.pool_timeouts': { max: 0 },
    'pool.pool-75.sessions_failed': { max: 0 },
    // Under the time-scaled stress the database is CPU-bound on a 2-core box, so bo1's SLO
    // (p95 < 500 ms, §9.3) is reported, not gated; the gate is that no API read reaches the 5 s checkout timeout.
    'api.latency.pool-75': { p95: '< 5000ms' },
  },
  timeoutMs: { ci: 480_000 },
  async run(ctx) {
    const p = ctx.params;
    const redisUrl = ctx.infra.redis?.url;
    if (redisUrl === undefined) throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, 'pool-exhaustion needs Redis');
    const db = await ctx.data.database({ label: 'pool', optimizations: 'none' });
    const c = new pg.Client({ connectionString: db.url });
    c.on('error', () => undefined); // a server going away must not crash the process
    await c.connect();
    const users = await c.query<{ user_id: string }>('SELECT user_id FROM sessions GROUP BY user_id ORDER BY count(*) DESC LIMIT 20');
    const problems = await c.query<{ p: string }>(
      'SELECT problem_statement AS p FROM sessions WHERE length(problem_statement) BETWEEN 80 AND 600 ORDER BY md5(id) LIMIT $1',
      [p.sessions],
    );
    await c.end();
    const variants: VariantRounds[] = p.pools.map((poolMax) => ({ poolMax, label: `pool-${poolMax}`, rounds: [] }));
    for (let round = 0; round < p.rounds; round++) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        ctx.progress(v.label, `round ${round + 1}/${p.rounds}`);
        const r = await runRound({
          poolMax: v.poolMax,
          databaseUrl: db.url,
          redisUrl,
          prefix: `ll:pool:${round}:${v.poolMax}:${Date.now().toString(36)}:`,
          sessions: p.sessions,
          timeScale: p.timeScale,
          problems: problems.rows.map((x) => x.p),
          apiUsers: users.rows.map((x) => x.user_id),
          apiRatePerSec: p.apiRatePerSec,
          signal: ctx.signal,
          recorder: ctx.recorder,
          label: v.label,
        });
        ctx.recorder.histogram(`api.latency.${v.label}`).add(r.api.histograms.latency);
        ctx.recorder.record(`session.duration_scaled.${v.label}`, r.meanSessionMs);
        v.rounds.push(r);
      }
    }
    reportPool(
      variants,
      { sessions: p.sessions, timeScale: p.timeScale, apiRate: p.apiRatePerSec, method: METHOD },
      ctx.recorder,
      ctx.report,
    );
  },
});
