/**
 * npm run bench:query — the harness's own overhead on a hot query, as a ratio to pgbench.
 *
 * Seeds the `ci` profile into a fresh database (every optimisation applied, VACUUM ANALYZE), then
 * for every hot query of the query-latency scenario and both statement modes (simple: the audited
 * psycopg2 way; prepared) runs the query-latency calibration: loadlab's engine repository call
 * through the engine's Db with one fixed parameter set, warm-up then N recorded executions into an
 * HDR histogram, and right after it pgbench on the exact same statement, parameters and protocol
 * mode (one client, same warm-up and N, per-transaction log), the two taking turns in blocks. Ratio =
 * loadlab p50 / pgbench p50. Inside loadlab's blocks node-postgres' bare Client sends the same
 * statement call by call in turn with loadlab, which splits that ratio into what the harness's query
 * path adds (loadlab / driver) and what the JS driver costs against libpq (driver / pgbench).
 * Target (issue 13): worstRatio <= 1.3. Reads DATABASE_URL (admin URL of the server to use),
 * BENCH_QUERY_N (default 500). Last line: JSON.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { createDb, type StatementMode } from '../engine/db/index.js';
import { migrate, OPTIMIZATION_NAMES } from '../engine/migrate/index.js';
import { createDatabase, dropDatabase } from '../harness/infra/index.js';
import { calibrationReasons, Histogram, HISTOGRAM_RANGES, pgbenchLatency, pgbenchScript } from '../harness/metrics/index.js';
import type { ScenarioReport } from '../harness/scenario/index.js';
import { seedDatabase } from '../seed/index.js';
import { calibrateQueries, CALIBRATION_METHOD } from '../scenarios/internal/query-latency/calibrate.js';
import { buildCatalogue } from '../scenarios/internal/query-latency/catalogue.js';
import { drawParams } from '../scenarios/internal/query-latency/params.js';
import { RecordingDb } from '../scenarios/internal/query-latency/recording.js';

const ADMIN = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_QUERY_N ?? 500);
const WARMUP = 50;
const MODES: StatementMode[] = ['simple', 'prepared'];
const TARGET = 1.3;
const log = (s: string): void => console.error(s);

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 20) throw new Error(`BENCH_QUERY_N must be an integer >= 20, got ${process.env.BENCH_QUERY_N}`);
  log(`method: ${CALIBRATION_METHOD}`);
  log(`here: variant "all" (every optimisation), modes ${MODES.join(', ')}, N = ${N} per side, warm-up ${WARMUP}.`);
  const name = `loadlab_bench_query_${crypto.randomBytes(4).toString('hex')}`;
  const u = new URL(ADMIN);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  await createDatabase(ADMIN, name);
  const dbs: RecordingDb[] = [];
  try {
    await migrate({ databaseUrl, optimizations: OPTIMIZATION_NAMES, createDatabase: false });
    log(`seeding profile ci into ${name} …`);
    const seeded = await seedDatabase({ databaseUrl, profile: 'ci' });
    log(`seeded ${seeded.totalRows} rows in ${seeded.seconds.toFixed(1)} s`);
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('error', () => undefined);
    await c.connect();
    // A production table is kept vacuumed by autovacuum; index-only scans need the visibility map.
    await c.query('VACUUM (ANALYZE)');
    const params = await drawParams(c, 1, { users: 20, samples: 200 }).finally(() => c.end());
    const report: ScenarioReport = {
      comparisons: [],
      findings: [],
      claims: [],
      evidence: { plans: [], samples: [], timelines: [] },
      dataLoss: [],
      untrusted: [],
      calibration: { rows: [], skipped: [] },
    };
    for (const mode of MODES) {
      const db = new RecordingDb(
        createDb({
          databaseUrl,
          poolMin: 0,
          poolMax: 1,
          connectionTimeoutMs: 10_000,
          idleTimeoutMs: 30_000,
          statementTimeoutMs: 30_000,
          statementMode: mode,
        }),
      );
      dbs.push(db);
      const all = new Map([
        ['all', db],
        ['baseline', db],
        ['singles', db],
        ['sessions-covering', db],
      ] as const);
      const queries = buildCatalogue(all, params, 10, mode);
      await calibrateQueries(queries, new Map([['all', databaseUrl]]), report, {
        executions: N,
        warmup: WARMUP,
        variants: ['all'],
        signal: new AbortController().signal,
        onStep: (s) => log(`  ${s}`),
      });
    }
    // The floor: the cheapest possible statement, so the fixed client cost shows on its own.
    const floor: { mode: StatementMode; loadlabP50Ms: number; pgbenchP50Ms: number; ratio: number }[] = [];
    for (const [i, mode] of MODES.entries()) {
      const db = (dbs[i] as RecordingDb).db;
      const h = new Histogram(HISTOGRAM_RANGES.latencyMs);
      for (let k = 0; k < WARMUP + N; k++) {
        const t0 = performance.now();
        await db.query('SELECT $1::int AS x', [k]);
        if (k >= WARMUP) h.record(performance.now() - t0);
      }
      const theirs = await pgbenchLatency({
        url: databaseUrl,
        mode,
        script: pgbenchScript('SELECT $1::int AS x', [1], mode),
        transactions: N,
        warmup: WARMUP,
      });
      const a = h.percentile(50);
      const b = theirs.histogram.percentile(50);
      floor.push({ mode, loadlabP50Ms: round(a), pgbenchP50Ms: round(b), ratio: round(a / b) });
      log(`floor SELECT $1::int ${mode.padEnd(9)} p50 loadlab ${a.toFixed(3)} ms, pgbench ${b.toFixed(3)} ms, ratio ${(a / b).toFixed(2)}`);
    }
    for (const s of report.calibration.skipped) log(`skipped ${s.subject}: ${s.reason}`);
    const rows = report.calibration.rows.filter((r) => r.statistic === 'p50');
    const p95 = new Map(report.calibration.rows.filter((r) => r.statistic === 'p95').map((r) => [`${r.subject}/${r.mode}`, r]));
    for (const r of rows) {
      const t = p95.get(`${r.subject}/${r.mode}`);
      log(
        `${r.subject.padEnd(28)} ${String(r.mode).padEnd(9)} p50 loadlab ${r.loadlab.toFixed(3)} ms, pgbench ${r.independent.toFixed(3)} ms, ratio ${r.ratio.toFixed(2)}` +
          (t === undefined ? '' : `; p95 ${t.loadlab.toFixed(3)} / ${t.independent.toFixed(3)} ms, ratio ${t.ratio.toFixed(2)}`),
      );
    }
    const queries = rows.map((r) => {
      const d = r.driver?.value;
      return {
        id: r.subject.replace(/\.all$/, ''),
        mode: r.mode,
        loadlabP50Ms: round(r.loadlab),
        pgbenchP50Ms: round(r.independent),
        ratio: round(r.ratio),
        ...(d === undefined ? {} : { driverP50Ms: round(d), harnessRatio: round(r.loadlab / d), driverRatio: round(d / r.independent) }),
      };
    });
    for (const q of queries) {
      if (q.driverP50Ms !== undefined)
        log(
          `${q.id.padEnd(22)} ${String(q.mode).padEnd(9)} node-postgres Client alone p50 ${q.driverP50Ms.toFixed(3)} ms: harness adds x${q.harnessRatio?.toFixed(2)}, driver vs libpq x${q.driverRatio?.toFixed(2)}`,
        );
    }
    const worstHarness = Math.max(...queries.map((q) => q.harnessRatio ?? 0));
    log(`worst harness ratio (loadlab / node-postgres alone) ${round(worstHarness)}`);
    const worstRatio = rows.length === 0 ? null : round(Math.max(...rows.map((r) => r.ratio)));
    const untrusted = calibrationReasons(report.calibration.rows);
    log(
      untrusted.length === 0
        ? 'every row passes the trust rule of the audit (ratio in bounds, or the gap is node-postgres against libpq and the harness ratio is in bounds)'
        : `rows that would make an audit untrusted:\n  ${untrusted.join('\n  ')}`,
    );
    log(`worst p50 ratio ${worstRatio} (target <= ${TARGET}): ${worstRatio !== null && worstRatio <= TARGET ? 'met' : 'NOT met'}`);
    console.log(
      JSON.stringify({
        queries,
        worstRatio,
        worstHarnessRatio: round(worstHarness),
        untrustedRows: untrusted.length,
        floor,
        n: N,
        target: TARGET,
        met: worstRatio !== null && worstRatio <= TARGET,
      }),
    );
  } finally {
    for (const d of dbs) await d.db.close().catch(() => undefined);
    await dropDatabase(ADMIN, name).catch((err: unknown) => log(`could not drop ${name}: ${(err as Error).message}`));
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((err: unknown) => {
  log(`bench:query failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
