import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/support/index.js';
import { seedDatabase, type SeedProfile } from './index.js';
import { queryOne } from './internal/test-helpers.js';

const TINY: SeedProfile = { name: 'tiny', users: 50, sessions: 60, researchRows: 20 };
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/loadlab.js');

describe('seed refusals', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
  });

  it('refuses a database that is not migrated, saying to run loadlab migrate', async () => {
    const d = await createTestDatabase({ prefix: 'seed_nm', migrate: false });
    dbs.push(d);
    const err = await seedDatabase({ databaseUrl: d.url, profile: TINY }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LL_DB_NOT_MIGRATED', kind: 'config' });
    expect((err as { hint: string }).hint).toContain('loadlab migrate');
  });

  it('refuses a database that already holds data unless --reset, and never doubles it', async () => {
    const d = await createTestDatabase({ prefix: 'seed_nf' });
    dbs.push(d);
    await seedDatabase({ databaseUrl: d.url, profile: TINY });
    const { n } = await queryOne<{ n: string }>(d.url, 'SELECT count(*) AS n FROM sessions');
    const err = await seedDatabase({ databaseUrl: d.url, profile: TINY }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LL_SEED_DATABASE_NOT_EMPTY', kind: 'config' });
    expect((await queryOne<{ n: string }>(d.url, 'SELECT count(*) AS n FROM sessions')).n).toBe(n);
  }, 60_000);

  it('exits 2 listing the valid profiles for an unknown one (through the CLI)', () => {
    const run = spawnSync(process.execPath, [BIN, 'seed', '--profile', 'nope'], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('LL_PROFILE_UNKNOWN');
    expect(run.stderr).toContain('ci, default, full');
    const data = spawnSync(process.execPath, [BIN, 'seed', '--data', 'huge'], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
    });
    expect(data.status).toBe(2);
    expect(data.stderr).toContain('tiny, ci, default, large');
  }, 30_000);
});
