import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/support/index.js';
import { seedDatabase, type SeedProfile } from './index.js';
import { tableChecksums } from './internal/test-helpers.js';

const TINY: SeedProfile = { name: 'tiny', users: 300, sessions: 400, researchRows: 200 };

describe('seed determinism', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
  });

  it('gives identical tables for the same seed and different ones for another seed', async () => {
    const [a, b, c] = await Promise.all([
      createTestDatabase({ prefix: 'seed_a' }),
      createTestDatabase({ prefix: 'seed_b' }),
      createTestDatabase({ prefix: 'seed_c' }),
    ]);
    dbs.push(a, b, c);
    await seedDatabase({ databaseUrl: a.url, profile: TINY, seed: 7 });
    await seedDatabase({ databaseUrl: b.url, profile: TINY, seed: 7 });
    await seedDatabase({ databaseUrl: c.url, profile: TINY, seed: 8 });
    const [ha, hb, hc] = await Promise.all([tableChecksums(a.url), tableChecksums(b.url), tableChecksums(c.url)]);
    expect(hb).toEqual(ha);
    for (const table of ['users', 'sessions', 'session_events', 'api_costs', 'contributions', 'actions', 'action_tags']) {
      expect(hc[table], table).not.toEqual(ha[table]);
    }
  }, 180_000);

  it('--reset replaces the data with the same rows instead of doubling them', async () => {
    const d = await createTestDatabase({ prefix: 'seed_r' });
    dbs.push(d);
    const first = await seedDatabase({ databaseUrl: d.url, profile: TINY, seed: 7 });
    const before = await tableChecksums(d.url);
    const again = await seedDatabase({ databaseUrl: d.url, profile: TINY, seed: 7, reset: true });
    expect(again.totalRows).toBe(first.totalRows);
    expect(await tableChecksums(d.url)).toEqual(before);
  }, 180_000);
});
