import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../engine/db/index.js';
import { createTestDatabase, TEST_PG_ADMIN_URL, type TestDatabase } from '../../test/support/index.js';
import { findPgbouncer, pgbouncerTracksPrepared, pgbouncerVersion, startPgbouncer, type PgbouncerHandle } from './index.js';

const installed = findPgbouncer() !== undefined;
if (!installed) console.warn('pgbouncer is not installed (apt-get install pgbouncer): skipping the connection-pooler tests');

describe.skipIf(!installed)('PgBouncer child in transaction mode in front of the real PostgreSQL', () => {
  let db: TestDatabase;
  let bouncer: PgbouncerHandle;
  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'bouncer', optimizations: 'none' });
    bouncer = await startPgbouncer({
      targetUrl: TEST_PG_ADMIN_URL,
      dir: fs.mkdtempSync(path.join(os.tmpdir(), 'll-bouncer-')),
      defaultPoolSize: 3,
      maxClientConn: 100,
    });
  }, 30_000);
  afterAll(async () => {
    await bouncer?.stop();
    await db?.drop();
  });

  const serverConnections = async (): Promise<number> => {
    const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await c.connect();
    try {
      return Number(
        (
          await c.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
            [db.name],
          )
        ).rows[0]?.n,
      );
    } finally {
      await c.end();
    }
  };

  it('serves 20 concurrent clients over at most default_pool_size server connections', async () => {
    const engineDb = createDb({
      databaseUrl: bouncer.urlFor(db.name),
      poolMin: 0,
      poolMax: 20,
      connectionTimeoutMs: 10_000,
      idleTimeoutMs: 30_000,
      statementTimeoutMs: 30_000,
      statementMode: 'unnamed',
    });
    try {
      let peak = 0;
      const sampler = setInterval(() => {
        void serverConnections().then((n) => {
          peak = Math.max(peak, n);
        });
      }, 20);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => engineDb.query<{ x: number }>('SELECT $1::int AS x, pg_sleep(0.05)', [i])),
      );
      clearInterval(sampler);
      peak = Math.max(peak, await serverConnections());
      expect(results.map((r) => r.rows[0]?.x)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(engineDb.metrics().total).toBeGreaterThan(3);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(3);
    } finally {
      await engineDb.close();
    }
  }, 30_000);

  it('before 1.21, named prepared statements break under transaction pooling (so tier 3 must not use prepared mode there)', async () => {
    const version = pgbouncerVersion();
    expect(version).not.toBeNull();
    const engineDb = createDb({
      databaseUrl: bouncer.urlFor(db.name),
      poolMin: 0,
      poolMax: 10,
      connectionTimeoutMs: 10_000,
      idleTimeoutMs: 30_000,
      statementTimeoutMs: 30_000,
      statementMode: 'prepared',
    });
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => engineDb.query('SELECT $1::int AS x', [i])));
      const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason));
      if (pgbouncerTracksPrepared(version)) expect(failed).toEqual([]);
      else expect(failed.some((m) => /prepared statement "ll_\d+" (already exists|does not exist)/.test(m))).toBe(true);
    } finally {
      await engineDb.close();
    }
  }, 30_000);

  it('keeps transactions on one server connection', async () => {
    const engineDb = createDb({
      databaseUrl: bouncer.urlFor(db.name),
      poolMin: 0,
      poolMax: 4,
      connectionTimeoutMs: 10_000,
      idleTimeoutMs: 30_000,
      statementTimeoutMs: 30_000,
      statementMode: 'simple',
    });
    try {
      const pids = await engineDb.transaction(async (tx) => {
        const a = await tx.query<{ p: number }>('SELECT pg_backend_pid() AS p');
        const b = await tx.query<{ p: number }>('SELECT pg_backend_pid() AS p');
        return [a.rows[0]?.p, b.rows[0]?.p];
      });
      expect(pids[0]).toBe(pids[1]);
    } finally {
      await engineDb.close();
    }
  }, 30_000);
});
