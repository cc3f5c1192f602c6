import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/support/index.js';
import { seedDatabase, type SeedProfile } from './index.js';
import { validateForeignKeys } from './internal/bulk.js';

const TINY: SeedProfile = { name: 'tiny', users: 50, sessions: 60, researchRows: 20 };

describe('seed bulk-mode foreign-key validation and phase timings', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
  });

  it('reports where each table spent its time, and the single-scan validation finds a broken key', async () => {
    const d = await createTestDatabase({ prefix: 'seed_fk' });
    dbs.push(d);
    const result = await seedDatabase({ databaseUrl: d.url, profile: TINY });
    for (const t of result.tables) {
      expect(
        Object.values(t.phases).every((s) => s >= 0),
        t.table,
      ).toBe(true);
      expect(t.phases.generateSeconds, t.table).toBeLessThanOrEqual(t.phases.copySeconds + 0.001);
    }
    expect(result.phases.loadSeconds).toBeGreaterThan(0);

    const client = new pg.Client({ connectionString: d.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('BEGIN');
      expect(await validateForeignKeys(client, 'contributions')).toBe(3);
      // Only the superuser bulk path skips the per-row checks; the test role is one (trust auth as postgres).
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(`INSERT INTO contributions (id, session_id, persona_code, content, round_number, phase, cost, tokens, model, user_id, created_at, status)
                          SELECT id + 1000000, 'bo1_missing', persona_code, content, round_number, phase, cost, tokens, model, user_id, created_at, status FROM contributions LIMIT 1`);
      const err = await validateForeignKeys(client, 'contributions').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'LL_SEED_FK_VIOLATION' });
      expect((err as Error).message).toContain('contributions_session_id_fkey');
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  }, 60_000);
});
