/**
 * Seeder throughput next to `pgbench -i -s 10` on the same server (issue 5): creates a fresh
 * database, migrates it, seeds the `default` profile, times pgbench initialising 1M rows in another
 * fresh database, prints both rates and peak RSS, drops both databases. Last line: one JSON object.
 *   npm run bench:seed            (DATABASE_URL selects the server; default postgres://postgres@127.0.0.1:5432)
 *   npm run bench:seed -- --floor [--profile ci]
 * --floor also measures what PostgreSQL's own tools need for the very same rows: the seeded
 * database is dumped (pg_dump -Fd) and restored into a fresh one with `pg_restore -j <cores>`
 * (COPY into bare tables, then every index and constraint built in parallel, the way pg_restore
 * does a bulk load), then ANALYZEd: the server-side floor no generator can beat on this schema.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate, OPTIMIZATION_NAMES } from '../engine/migrate/index.js';
import { createDatabase, dropDatabase } from '../harness/infra/index.js';
import { seedDatabase } from '../seed/index.js';

const cliArgs = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = cliArgs.indexOf(name);
  return i >= 0 ? cliArgs[i + 1] : undefined;
};

const BENCH = {
  profile: argValue('--profile') ?? 'default',
  floor: cliArgs.includes('--floor'),
  pgbenchScale: 10,
  /** pgbench -i -s N loads 100,000 × N pgbench_accounts rows (+ N branches, 10 × N tellers). */
  pgbenchRowsPerScale: 100_000 + 10 + 1,
  targetRatio: 0.4,
  maxRssMB: 500,
  /** Tables listed one by one in the phase split; the others are summed only. */
  detailMinRows: 100_000,
} as const;

type Seeded = Awaited<ReturnType<typeof seedDatabase>>;
type Phases = Seeded['tables'][number]['phases'];
const PHASE_KEYS = [
  'generateSeconds',
  'copySeconds',
  'indexSeconds',
  'validateSeconds',
  'analyzeSeconds',
] as const satisfies readonly (keyof Phases)[];
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Per-table phase seconds of the big tables, and every table's phases summed (seconds of connection time, not wall). */
function phaseSplit(seed: Seeded): Record<string, Record<string, number>> {
  const pick = (p: Phases): Record<string, number> => Object.fromEntries(PHASE_KEYS.map((k) => [k.replace('Seconds', ''), round2(p[k])]));
  const sum = Object.fromEntries(
    PHASE_KEYS.map((k) => [k.replace('Seconds', ''), round2(seed.tables.reduce((a, t) => a + t.phases[k], 0))]),
  );
  const big = seed.tables
    .filter((t) => t.rows >= BENCH.detailMinRows)
    .map((t) => [t.table, { rows: t.rows, seconds: round2(t.seconds), ...pick(t.phases) }]);
  return { allTables: sum, ...Object.fromEntries(big) };
}

const load1 = (): number => round2(os.loadavg()[0] ?? 0);

const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
server.pathname = '/postgres';
const admin = server.toString();
const suffix = crypto.randomBytes(3).toString('hex');
const seedDb = `ll_bench_seed_${suffix}`;
const pgbenchDb = `ll_bench_pgbench_${suffix}`;
const floorDb = `ll_bench_floor_${suffix}`;
const urlOf = (name: string): string => Object.assign(new URL(admin), { pathname: `/${name}` }).toString();

interface Floor {
  readonly rows: number;
  readonly restoreSeconds: number;
  readonly analyzeSeconds: number;
  readonly rowsPerSec: number;
  readonly jobs: number;
}

/** pgbench / pg_dump / pg_restore connection flags for `server` (the password goes through the environment). */
function clientArgs(): { flags: string[]; env: NodeJS.ProcessEnv } {
  return {
    flags: ['-h', server.hostname, '-p', server.port || '5432', '-U', decodeURIComponent(server.username || 'postgres')],
    env: { ...process.env, PGPASSWORD: decodeURIComponent(server.password) },
  };
}

/** Dumps the seeded database and times restoring it (data, indexes, constraints) plus ANALYZE. */
async function restoreFloor(rows: number): Promise<Floor | { unavailable: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-bench-seed-floor-'));
  const { flags, env } = clientArgs();
  const jobs = os.cpus().length;
  try {
    console.log(`floor: pg_dump -Fd -j ${jobs} of ${seedDb} (not timed) ...`);
    const dump = spawnSync('pg_dump', [...flags, '-Fd', '-j', String(jobs), '-f', path.join(dir, 'dump'), seedDb], {
      encoding: 'utf8',
      env,
    });
    if (dump.status !== 0)
      return { unavailable: `pg_dump failed (${dump.status ?? dump.error?.message}): ${dump.stderr.trim().split('\n')[0] ?? ''}` };
    await createDatabase(admin, floorDb);
    console.log(`floor: pg_restore -j ${jobs} into ${floorDb}, then ANALYZE ...`);
    const t0 = process.hrtime.bigint();
    const restore = spawnSync('pg_restore', [...flags, '-j', String(jobs), '--no-owner', '-d', floorDb, path.join(dir, 'dump')], {
      encoding: 'utf8',
      env,
    });
    const t1 = process.hrtime.bigint();
    if (restore.status !== 0)
      return {
        unavailable: `pg_restore failed (${restore.status ?? restore.error?.message}): ${restore.stderr.trim().split('\n')[0] ?? ''}`,
      };
    const client = new pg.Client({ connectionString: urlOf(floorDb) });
    client.on('error', () => undefined); // a server going away must not crash the process
    await client.connect();
    try {
      await client.query('ANALYZE');
    } finally {
      await client.end();
    }
    const t2 = process.hrtime.bigint();
    const restoreSeconds = Number(t1 - t0) / 1e9;
    const analyzeSeconds = Number(t2 - t1) / 1e9;
    return {
      rows,
      restoreSeconds: round2(restoreSeconds),
      analyzeSeconds: round2(analyzeSeconds),
      rowsPerSec: Math.round(rows / (restoreSeconds + analyzeSeconds)),
      jobs,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await createDatabase(admin, seedDb);
  await createDatabase(admin, pgbenchDb);
  try {
    await migrate({ databaseUrl: urlOf(seedDb), optimizations: OPTIMIZATION_NAMES, createDatabase: false });
    const loadBefore = load1();
    console.log(`seeding profile ${BENCH.profile} into ${seedDb} (load average ${loadBefore}, ${os.cpus().length} cores) ...`);
    const seed = await seedDatabase({
      databaseUrl: urlOf(seedDb),
      profile: BENCH.profile,
      onProgress: (e) => {
        if (e.phase === 'table' && e.stage === 'done')
          console.log(`  ${e.table.padEnd(24)} ${String(e.rows).padStart(10)} rows  ${(e.elapsedMs / 1000).toFixed(1)}s`);
      },
    });
    console.log(`seed: ${seed.totalRows} rows in ${seed.seconds.toFixed(2)}s = ${seed.rowsPerSec} rows/s`);
    console.log('  table                          rows   secs    gen   copy  index  valid analyze');
    for (const t of seed.tables) {
      const p = t.phases;
      console.log(
        `  ${t.table.padEnd(24)} ${String(t.rows).padStart(10)} ${[t.seconds, p.generateSeconds, p.copySeconds, p.indexSeconds, p.validateSeconds, p.analyzeSeconds].map((x) => x.toFixed(1).padStart(6)).join(' ')}`,
      );
    }
    const loadAfterSeed = load1();
    const floor = BENCH.floor ? await restoreFloor(seed.totalRows) : undefined;
    if (floor !== undefined) {
      console.log(
        'unavailable' in floor
          ? `floor: unavailable (${floor.unavailable})`
          : `floor: pg_restore -j ${floor.jobs} ${floor.restoreSeconds}s + ANALYZE ${floor.analyzeSeconds}s = ${floor.rowsPerSec} rows/s; the seeder (generation included) ran at ${(seed.rowsPerSec / floor.rowsPerSec).toFixed(2)}x that`,
      );
    }

    const client = clientArgs();
    const args = ['-i', '-s', String(BENCH.pgbenchScale), '-q', ...client.flags, pgbenchDb];
    const t = process.hrtime.bigint();
    const run = spawnSync('pgbench', args, { encoding: 'utf8', env: client.env });
    const pgSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    if (run.status !== 0) throw new Error(`pgbench failed (${run.status}): ${run.stderr}`);
    const pgRows = BENCH.pgbenchRowsPerScale * BENCH.pgbenchScale;
    const pgbenchRowsPerSec = Math.round(pgRows / pgSeconds);
    console.log(`pgbench -i -s ${BENCH.pgbenchScale}: ${pgRows} rows in ${pgSeconds.toFixed(2)}s = ${pgbenchRowsPerSec} rows/s`);

    const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
    const ratio = Number((seed.rowsPerSec / pgbenchRowsPerSec).toFixed(3));
    console.log(`ratio ${ratio} (target >= ${BENCH.targetRatio}), peak RSS ${peakRssMB} MB (target < ${BENCH.maxRssMB})`);
    console.log(
      JSON.stringify({
        rowsPerSec: seed.rowsPerSec,
        pgbenchRowsPerSec,
        ratio,
        peakRssMB,
        rows: seed.totalRows,
        seconds: Number(seed.seconds.toFixed(2)),
        pgbenchRows: pgRows,
        pgbenchSeconds: Number(pgSeconds.toFixed(2)),
        profile: BENCH.profile,
        bulkMode: seed.bulkMode,
        method: `seedDatabase(${BENCH.profile}) COPY incl. index rebuild, FK validation and ANALYZE, vs \`pgbench -i -s 10\` wall time (incl. its vacuum and primary keys), same server, sequential${BENCH.floor ? '; floor: pg_dump -Fd of the seeded database (untimed), then pg_restore -j <cores> into a fresh database + ANALYZE, timed' : ''}`,
        runPhases: seed.phases,
        phases: phaseSplit(seed),
        loadAverage: { beforeSeed: loadBefore, afterSeed: loadAfterSeed, afterPgbench: load1() },
        cores: os.cpus().length,
        meetsTarget: ratio >= BENCH.targetRatio && peakRssMB < BENCH.maxRssMB,
        ...(floor === undefined
          ? {}
          : {
              restoreFloor: floor,
              ...('rowsPerSec' in floor
                ? {
                    ratioToRestoreFloor: Number((seed.rowsPerSec / floor.rowsPerSec).toFixed(3)),
                    floorRatioToPgbench: Number((floor.rowsPerSec / pgbenchRowsPerSec).toFixed(3)),
                  }
                : {}),
            }),
      }),
    );
  } finally {
    await dropDatabase(admin, seedDb).catch(() => undefined);
    await dropDatabase(admin, pgbenchDb).catch(() => undefined);
    if (BENCH.floor) await dropDatabase(admin, floorDb).catch(() => undefined);
  }
}

await main();
