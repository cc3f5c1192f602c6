import crypto from 'node:crypto';
import pg from 'pg';
import { migrate, OPTIMIZATION_NAMES, type OptimizationName } from '../../engine/migrate/index.js';
import { TEST_PG_ADMIN_URL } from './urls.js';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  c.on('error', () => undefined);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * A fresh, migrated database on the shared test server, named `ll_t_<prefix>_<random>` so
 * parallel test files never collide. Call drop() in afterAll. Uses only pg and the engine's own
 * migrations, so engine tests need nothing from the harness.
 */
export async function createTestDatabase(
  options: { prefix?: string; optimizations?: readonly OptimizationName[] | 'all' | 'none'; migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = `ll_t_${(options.prefix ?? 'db').replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const opts = options.optimizations ?? 'all';
  if (options.migrate !== false) {
    await migrate({
      databaseUrl: url.toString(),
      optimizations: opts === 'all' ? OPTIMIZATION_NAMES : opts === 'none' ? [] : opts,
      createDatabase: false,
    });
  }
  return { name, url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`) };
}
