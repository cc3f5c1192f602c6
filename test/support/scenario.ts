import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { silentLogger } from '../../engine/log/index.js';
import { evaluateBudgets } from '../../harness/budgets/index.js';
import { provisionInfra, type Infra } from '../../harness/infra/index.js';
import type { Profile } from '../../harness/result/index.js';
import { emptyRunResult, finalizeRunResult, validateRunResult } from '../../harness/result/index.js';
import { collectEnvironment, createDataProvider, runScenario, type ScenarioOutcome } from '../../harness/runner/index.js';
import type { AnyScenario } from '../../harness/scenario/index.js';
import { seedDatabase, type SeedProfile } from '../../seed/index.js';
import { TEST_PG_ADMIN_URL } from './urls.js';

/** Small but shaped like the real thing: Zipf users, a heavy user with ~100 sessions, events and costs per session. */
export const TEST_SEED_PROFILE: SeedProfile = { name: 'test', users: 60, sessions: 600, researchRows: 200 };

export interface ScenarioTestOptions<P> {
  /** Overrides merged into the `ci` profile's parameters: the smallest size that still says something. */
  params?: Partial<P>;
  profile?: Profile;
  /**
   * Seed profile for the template database (a name or a custom size). Default: TEST_SEED_PROFILE,
   * a few hundred sessions — the `ci` profile (1.2M rows) would cost each test tens of seconds.
   */
  seedProfile?: string | SeedProfile;
  seed?: number;
  /**
   * Runs after the scenario, while its databases still exist (they go with the infra): for
   * checks of the store against the scenario's own figures, e.g. a direct count(*).
   */
  inspect?: (infra: Infra) => Promise<void>;
}

/**
 * Runs one scenario the way `loadlab run` does — shared PostgreSQL on 127.0.0.1:5432, a
 * redis-server child, a seeded template cloned per variant, budgets evaluated — and tears
 * everything down. For the per-scenario tests of the catalogue.
 */
export async function runScenarioForTest<P>(def: AnyScenario, options: ScenarioTestOptions<P> = {}): Promise<ScenarioOutcome> {
  const profile = options.profile ?? 'ci';
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-scn-'));
  const infra = await provisionInfra({ databaseUrl: TEST_PG_ADMIN_URL, stateDir });
  try {
    const seed = options.seed ?? 42;
    const data = createDataProvider({
      infra,
      profile,
      seed,
      logger: silentLogger(),
      seedFn: async ({ databaseUrl }) => {
        const r = await seedDatabase({ databaseUrl, profile: options.seedProfile ?? TEST_SEED_PROFILE, seed });
        return { heavyUser: { userId: r.heavyUser.id, token: r.heavyUser.token } };
      },
    });
    const scenario: AnyScenario = { ...def, profiles: { ...def.profiles, [profile]: { ...def.profiles[profile], ...options.params } } };
    const outcome = await runScenario(scenario, {
      profile,
      seed,
      infra,
      data,
      logger: silentLogger(),
      signal: new AbortController().signal,
      budgets: def.budgets,
      evaluate: (table, measurements, name) => evaluateBudgets(table, measurements, { scenario: name }),
    });
    // Every scenario's output must fit the RunResult contract: reports and compare refuse anything else.
    const run = emptyRunResult(await collectEnvironment(infra, { profile, seed, timeScale: 1 }));
    const final = finalizeRunResult(
      { ...run, scenarios: [outcome.result], claims: outcome.claims, capacity: outcome.capacity ?? null },
      { finishedAt: new Date().toISOString(), durationMs: outcome.result.durationMs },
    );
    const check = validateRunResult(JSON.parse(JSON.stringify(final)));
    if (!check.valid) throw new Error(`${def.name} produced an invalid RunResult: ${JSON.stringify(check.errors.slice(0, 5))}`);
    await options.inspect?.(infra);
    return outcome;
  } finally {
    await infra.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}
