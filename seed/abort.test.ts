import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_PG_ADMIN_URL, type TestDatabase } from '../test/support/index.js';
import { SEED_DEFAULTS, seedDatabase, type SeedProgress } from './index.js';
import { queryOne } from './internal/test-helpers.js';

/** Seeding connections still open on `db` (the seeder names them). */
async function seedingConnections(db: TestDatabase): Promise<number> {
  const { n } = await queryOne<{ n: number }>(
    TEST_PG_ADMIN_URL,
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
    [db.name, SEED_DEFAULTS.applicationName],
  );
  return n;
}

const copying = (e: SeedProgress): boolean => e.phase === 'table' && e.table === 'session_events' && e.stage === 'copy' && e.rows > 0;

describe('seeding that is stopped', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop().catch(() => undefined)));
  });

  it('an abort cancels the COPYs in flight, closes every connection and rejects with the reason', async () => {
    const db = await createTestDatabase({ prefix: 'seed_abort' });
    dbs.push(db);
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    let abortedAt = 0;
    const seeding = seedDatabase({
      databaseUrl: db.url,
      profile: 'ci',
      signal: controller.signal,
      onProgress: (e) => {
        if (abortedAt === 0 && copying(e)) {
          abortedAt = Date.now();
          controller.abort(reason);
        }
      },
    });
    await expect(seeding).rejects.toBe(reason);
    expect(abortedAt).toBeGreaterThan(0);
    // `ci` loads for tens of seconds; a cancelled one stops at once.
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
    expect(await seedingConnections(db)).toBe(0);
    // Each table is one transaction: what was cancelled was rolled back.
    const { n } = await queryOne<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM session_events');
    expect(n).toBe(0);
  }, 120_000);

  it('an already aborted signal starts nothing', async () => {
    const reason = new Error('never started');
    await expect(
      seedDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', profile: 'ci', signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it('a database dropped under a running seed (DROP DATABASE ... WITH (FORCE)) fails the seed instead of crashing the process', async () => {
    const db = await createTestDatabase({ prefix: 'seed_drop' });
    let dropped: Promise<void> | undefined;
    const seeding = seedDatabase({
      databaseUrl: db.url,
      profile: 'ci',
      // Dropping terminates every connection of the pool while COPYs are running: pg reports it
      // as an 'error' event on each client, which kills the process when nobody listens.
      onProgress: (e) => {
        if (dropped === undefined && copying(e)) dropped = db.drop();
      },
    });
    await expect(seeding).rejects.toBeInstanceOf(Error);
    await dropped;
  }, 120_000);
});
