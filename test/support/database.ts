import crypto from 'node:crypto';
import { migrate, OPTIMIZATION_NAMES, type OptimizationName } from '../../engine/migrate/index.js';
import { createDatabase, dropDatabase } from '../../harness/infra/index.js';

import { TEST_PG_ADMIN_URL } from './urls.js';

export { TEST_PG_ADMIN_URL };

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database on the shared test server, named `ll_t_<prefix>_<random>` so
 * parallel test files never collide. Call drop() in afterAll.
 */
export async function createTestDatabase(options: { prefix?: string; optimizations?: readonly OptimizationName[] | 'all' | 'none'; migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `ll_t_${(options.prefix ?? 'db').replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  await createDatabase(TEST_PG_ADMIN_URL, name);
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const opts = options.optimizations ?? 'all';
  if (options.migrate !== false) {
    await migrate({ databaseUrl: url.toString(), optimizations: opts === 'all' ? OPTIMIZATION_NAMES : opts === 'none' ? [] : opts, createDatabase: false });
  }
  return { name, url: url.toString(), drop: () => dropDatabase(TEST_PG_ADMIN_URL, name) };
}
