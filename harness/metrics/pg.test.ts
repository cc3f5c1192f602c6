import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainAnalyze, hasPgStatStatements, snapshotStatements, startResourceSampler } from './index.js';

const DB = `ll_t_metrics_${process.pid}`;
const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
let client: pg.Client;

beforeAll(async () => {
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`CREATE DATABASE ${DB}`);
  client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DB });
  await client.connect();
  await client.query(`
    CREATE TABLE ev (session_id int, created_at date, seq int, payload text) PARTITION BY RANGE (created_at);
    CREATE TABLE ev_2025_11 PARTITION OF ev FOR VALUES FROM ('2025-11-01') TO ('2025-12-01');
    CREATE TABLE ev_2025_12 PARTITION OF ev FOR VALUES FROM ('2025-12-01') TO ('2026-01-01');
    INSERT INTO ev SELECT i % 200, DATE '2025-11-01' + (i % 60), i, 'x' FROM generate_series(1, 20000) i;
    CREATE INDEX ev_sess ON ev (session_id, created_at) INCLUDE (seq);`);
  // VACUUM sets the visibility map, without which an index-only scan still visits the heap.
  await client.query('VACUUM ANALYZE ev');
});

afterAll(async () => {
  await client?.end();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.end();
});

describe('explainAnalyze (real PostgreSQL)', () => {
  it('extracts index-only scans, partitions and timings', async () => {
    const p = await explainAnalyze(client, "SELECT seq FROM ev WHERE session_id = $1 AND created_at >= DATE '2025-12-01'", [7], {
      name: 'events',
      variant: 'idx',
    });
    expect(p.indexOnly).toBe(true);
    expect(p.scanTypes).toContain('Index Only Scan');
    expect(p.partitionsScanned).toEqual(['ev_2025_12']);
    expect(p.indexes.length).toBeGreaterThan(0);
    expect(p.executionMs).toBeGreaterThan(0);
    expect(p.planningMs).toBeGreaterThan(0);
    expect(p.sortSteps).toBe(0);
  });

  it('sees a seq scan and a sort, and rolls back writes', async () => {
    const p = await explainAnalyze(client, 'SELECT * FROM ev WHERE payload = $1 ORDER BY seq DESC', ['x'], { keepRaw: false });
    expect(p.indexOnly).toBe(false);
    expect(p.scanTypes).toContain('Seq Scan');
    expect(p.sortSteps).toBeGreaterThanOrEqual(1);
    expect(p.partitionsScanned).toEqual(['ev_2025_11', 'ev_2025_12']);
    expect(p.raw).toBeUndefined();
    await explainAnalyze(client, 'DELETE FROM ev WHERE session_id = 1', [], { rollback: true });
    const n = await client.query('SELECT count(*)::int AS n FROM ev WHERE session_id = 1');
    expect(n.rows[0].n).toBe(100);
  });

  it('fails with a coded error on bad SQL', async () => {
    await expect(explainAnalyze(client, 'SELECT nope FROM nowhere')).rejects.toMatchObject({ code: 'LL_EXPLAIN_FAILED' });
  });
});

describe('pg_stat_statements detection', () => {
  it('is false without the extension, and false (not an error) when created but not preloaded', async () => {
    expect(await hasPgStatStatements(client)).toBe(false);
    expect(await snapshotStatements(client)).toBeNull();
    const preload = await client.query('SHOW shared_preload_libraries');
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const loaded = String(preload.rows[0].shared_preload_libraries).includes('pg_stat_statements');
    expect(await hasPgStatStatements(client)).toBe(loaded);
    if (loaded) expect((await snapshotStatements(client))?.size).toBeGreaterThan(0);
  });
});

describe('resource sampler', () => {
  it('produces time series, loop delay and CPU with pool and gauges', async () => {
    let depth = 0;
    const s = startResourceSampler({
      intervalMs: 20,
      pool: () => ({ total: 3, idle: 1, waiting: 2 }),
      gauges: { 'buffer depth': () => depth++ },
    });
    const end = performance.now() + 150;
    while (performance.now() < end) await new Promise((r) => setImmediate(r));
    const r = s.stop();
    expect(s.stop()).toBe(r);
    const names = r.series.map((x) => x.name);
    const perThread = process.platform === 'linux' ? ['main-thread cpu'] : [];
    expect(names).toEqual(['event-loop delay p99', 'cpu', ...perThread, 'rss', 'pool total', 'pool idle', 'pool waiting', 'buffer depth']);
    expect(r.series[1]!.points.length).toBeGreaterThanOrEqual(3);
    expect(r.series.find((x) => x.name === 'pool waiting')!.points[0]!.value).toBe(2);
    expect(r.rssMaxBytes).toBeGreaterThan(10_000_000);
    expect(r.cpuPercent.count).toBeGreaterThan(0);
    expect(r.eventLoopDelay.unit).toBe('ms');
  });

  it.skipIf(process.platform !== 'linux')('tells main-thread CPU from helper-thread CPU', async () => {
    // Helper threads busy (pbkdf2 runs on the libuv pool), main thread waiting: the process is busy, the loop is not.
    const helpers = startResourceSampler({ intervalMs: 100 });
    const until = performance.now() + 800;
    const burn = async (): Promise<void> => {
      while (performance.now() < until) await new Promise((r) => crypto.pbkdf2('p', 's', 200_000, 32, 'sha512', r));
    };
    await Promise.all([burn(), burn(), burn(), burn()]);
    const h = helpers.stop();
    expect(h.mainThreadCpuPercent.count).toBeGreaterThan(3);
    expect(h.cpuPercent.mean).toBeGreaterThan(h.mainThreadCpuPercent.mean + 30);
    expect(h.mainThreadCpuPercent.mean).toBeLessThan(30);
    // Main thread spinning: its own share is what saturates.
    const spin = startResourceSampler({ intervalMs: 100 });
    const stop = performance.now() + 800;
    while (performance.now() < stop) {
      const slice = performance.now() + 50;
      while (performance.now() < slice); // keep the loop busy, but let the sampler's timer fire between slices
      await new Promise((r) => setImmediate(r));
    }
    const m = spin.stop();
    expect(m.mainThreadCpuPercent.mean).toBeGreaterThan(40);
  });
});
