import type { Logger } from '../../engine/log/index.js';
import { migrate, OPTIMIZATION_NAMES, connectClient, type OptimizationName } from '../../engine/migrate/index.js';
import type { Infra } from '../infra/index.js';
import type { Profile } from '../result/index.js';
import type { DataProvider, ScenarioDatabase } from '../scenario/index.js';

/** The seeding step, injected so the runner does not depend on how data is produced. */
export type SeedFn = (options: {
  databaseUrl: string;
  profile: Profile;
  seed: number;
  onProgress?: (line: string) => void;
}) => Promise<{ heavyUser?: { userId: string; token: string } }>;

function resolveOptimizations(o: readonly OptimizationName[] | 'all' | 'none' | undefined): OptimizationName[] {
  if (o === undefined || o === 'none') return [];
  if (o === 'all') return [...OPTIMIZATION_NAMES];
  return [...o];
}

/**
 * Databases for scenarios. The first request for seeded data migrates the baseline and seeds it
 * once (the run's template); every later request clones that template with
 * `CREATE DATABASE … TEMPLATE` and applies optimisations on top, so the audited and optimised
 * variants are measured on identical rows. Optimisation migrations include their backfills
 * (task_count), so a clone with them applied is consistent.
 */
export function createDataProvider(options: {
  infra: Infra;
  profile: Profile;
  seed: number;
  seedFn: SeedFn | undefined;
  logger: Logger;
  onProgress?: (line: string) => void;
  disabledMigrations?: readonly OptimizationName[];
}): DataProvider {
  let template: Promise<{ name: string; heavyUser?: { userId: string; token: string } }> | undefined;
  let counter = 0;

  const buildTemplate = async (): Promise<{ name: string; heavyUser?: { userId: string; token: string } }> => {
    const db = await options.infra.createDatabase('template');
    await migrate({ databaseUrl: db.url, optimizations: [], createDatabase: false });
    let heavyUser: { userId: string; token: string } | undefined;
    if (options.seedFn !== undefined) {
      const seeded = await options.seedFn({
        databaseUrl: db.url,
        profile: options.profile,
        seed: options.seed,
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      });
      heavyUser = seeded.heavyUser;
    }
    // VACUUM sets the visibility map, which clones inherit: without it no clone could ever use an
    // index-only scan, and the covering-index claims would be refuted by the harness, not the data.
    await vacuumAnalyze(db.url);
    await terminateConnections(options.infra.postgres.adminUrl, db.name);
    return heavyUser === undefined ? { name: db.name } : { name: db.name, heavyUser };
  };

  return {
    async prepare() {
      template ??= buildTemplate();
      await template;
    },
    async database(req) {
      // A run with --disable leaves those optimisations out of every database it prepares.
      const optimizations = resolveOptimizations(req.optimizations).filter((o) => !(options.disabledMigrations ?? []).includes(o));
      const seeded = req.seeded !== false;
      const suffix = `${req.label}_${++counter}`;
      let db: { name: string; url: string };
      if (seeded) {
        template ??= buildTemplate();
        const t = await template;
        db = await options.infra.createDatabase(suffix, t.name);
      } else {
        db = await options.infra.createDatabase(suffix);
        await migrate({ databaseUrl: db.url, optimizations: [], createDatabase: false });
      }
      if (optimizations.length > 0) await migrate({ databaseUrl: db.url, optimizations, createDatabase: false });
      // A clone copies the template's pg_statistic (the template was analysed after seeding), so
      // only a clone that migrations changed needs new statistics.
      if (seeded && optimizations.length > 0) await analyze(db.url);
      const out: ScenarioDatabase = { name: db.name, url: db.url, optimizations, seeded };
      return out;
    },
    async heavyUser() {
      if (template === undefined) return undefined;
      return (await template).heavyUser;
    },
    async templateName() {
      if (template === undefined) return undefined;
      return (await template).name;
    },
  };
}

/** CREATE DATABASE … TEMPLATE needs the template to have no sessions. */
async function terminateConnections(adminUrl: string, name: string): Promise<void> {
  const client = await connectClient(adminUrl);
  try {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  } finally {
    await client.end();
  }
}

async function vacuumAnalyze(url: string): Promise<void> {
  const client = await connectClient(url);
  try {
    await client.query('VACUUM (ANALYZE)');
  } finally {
    await client.end();
  }
}

/** Planner statistics are not copied reliably with a template clone plus new indexes. */
async function analyze(url: string): Promise<void> {
  const client = await connectClient(url);
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
