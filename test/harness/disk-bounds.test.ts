import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../engine/log/index.js';
import { provisionInfra } from '../../harness/infra/index.js';
import { runScenarios } from '../../harness/runner/index.js';
import { defineScenario } from '../../harness/scenario/index.js';
import { TEST_PG_ADMIN_URL } from '../support/index.js';

async function exists(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await c.connect();
  try {
    return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

/**
 * Issue 18 part 1: a scenario's databases are dropped when it ends, so a run's disk peak is the
 * template plus its largest scenario; the run records its disk use in the environment.
 */
describe('scenario databases are dropped as each scenario ends', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-disk-'));
  afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));
  const seen: { first?: string; firstAliveInSecond?: boolean } = {};

  const first = defineScenario<Record<string, never>>({
    name: 'disk-first',
    title: 'creates two databases',
    auditRef: 'test',
    profiles: { ci: {}, default: {}, full: {} },
    budgets: {},
    async run(ctx) {
      const a = await ctx.data.database({ label: 'a', seeded: false });
      await ctx.infra.createDatabase('b');
      seen.first = a.name;
    },
  });
  const second = defineScenario<Record<string, never>>({
    name: 'disk-second',
    title: "looks for the first one's database",
    auditRef: 'test',
    profiles: { ci: {}, default: {}, full: {} },
    budgets: {},
    async run() {
      seen.firstAliveInSecond = await exists(seen.first ?? '');
    },
  });

  it("drops the first scenario's databases before the second starts, and records the disk peak", async () => {
    const infra = await provisionInfra({ stateDir, databaseUrl: TEST_PG_ADMIN_URL, redis: false });
    try {
      const result = await runScenarios({
        scenarios: [first, second],
        profile: 'ci',
        seed: 1,
        infra,
        logger: silentLogger(),
        signal: new AbortController().signal,
        budgetOverrides: {},
        evaluate: () => [],
        seedFn: undefined,
      });
      expect(result.scenarios.map((s) => s.status)).toEqual(['passed', 'passed']);
      expect(seen.first).toBeDefined();
      expect(seen.firstAliveInSecond).toBe(false);
      expect(infra.databases()).toEqual([]);
      const disk = result.environment.disk;
      expect(disk?.samples).toBeGreaterThanOrEqual(3);
      // Two fresh databases (~7-8 MB each on PostgreSQL 15) existed at once at the peak.
      expect(disk?.peakAddedBytes).toBeGreaterThan(4 * 1024 * 1024);
      expect(disk?.startFreeBytes).toBeGreaterThan(0);
      expect(result.environment.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    } finally {
      await infra.close();
    }
  }, 60_000);
});
