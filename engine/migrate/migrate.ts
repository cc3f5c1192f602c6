import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Postgrator from 'postgrator';
import type pg from 'pg';
import { LoadlabError, ENGINE_ERRORS } from '../errors/index.js';
import { connectClient, ensureDatabase } from './database.js';
import { OPTIMIZATIONS, type OptimizationName } from './optimizations.js';

export const MIGRATE_DEFAULTS = {
  migrationsDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations'),
  baselineTable: 'loadlab_migrations_baseline',
  optimizationTablePrefix: 'loadlab_migrations_opt_',
  createDatabase: true,
} as const;

export interface MigrateOptions {
  databaseUrl: string;
  optimizations: readonly OptimizationName[];
  migrationsDir?: string;
  createDatabase?: boolean;
  onApplied?: (event: { track: string; version: number; name: string }) => void;
}

export interface MigrateReport {
  createdDatabase: boolean;
  applied: { track: string; version: number; name: string }[];
  optimizations: OptimizationName[];
}

/**
 * Applies the baseline schema and the chosen optimisations. Each optimisation is its own
 * postgrator track with its own version table, so it can be applied alone, later, or not at all;
 * checksums of applied files are validated on every run (immutable once merged).
 */
export async function migrate(options: MigrateOptions): Promise<MigrateReport> {
  const dir = options.migrationsDir ?? MIGRATE_DEFAULTS.migrationsDir;
  const createdDatabase = (options.createDatabase ?? MIGRATE_DEFAULTS.createDatabase) ? await ensureDatabase(options.databaseUrl) : false;
  const client = await connectClient(options.databaseUrl);
  const applied: MigrateReport['applied'] = [];
  try {
    const tracks = [
      { track: 'baseline', pattern: path.join(dir, 'baseline', '*.sql'), table: MIGRATE_DEFAULTS.baselineTable },
      ...options.optimizations.map((name) => {
        const opt = OPTIMIZATIONS.find((o) => o.name === name);
        if (opt === undefined) throw new LoadlabError(ENGINE_ERRORS.OPTIMIZATION_UNKNOWN, `unknown optimization "${name}"`);
        return {
          track: name,
          pattern: path.join(dir, 'optimizations', opt.file),
          table: MIGRATE_DEFAULTS.optimizationTablePrefix + name.replaceAll('-', '_'),
        };
      }),
    ];
    for (const t of tracks) {
      const done = await runTrack(client, t.pattern, t.table, t.track);
      for (const m of done) {
        const event = { track: t.track, version: m.version, name: m.name };
        applied.push(event);
        options.onApplied?.(event);
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return { createdDatabase, applied, optimizations: [...options.optimizations] };
}

async function runTrack(client: pg.Client, pattern: string, table: string, track: string): Promise<Postgrator.Migration[]> {
  const postgrator = new Postgrator({
    migrationPattern: pattern,
    driver: 'pg',
    database: client.database ?? 'postgres',
    schemaTable: table,
    validateChecksums: true,
    newline: 'LF',
    execQuery: (query: string) => client.query(query),
  });
  try {
    return await postgrator.migrate();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const checksum = /checksum|md5/i.test(message);
    throw new LoadlabError(
      checksum ? ENGINE_ERRORS.MIGRATION_CHECKSUM : ENGINE_ERRORS.MIGRATION_FAILED,
      `migration track "${track}" failed: ${message}`,
      {
        ...(checksum
          ? { hint: 'a migration file changed after it was applied; migrations are immutable once merged: add a new file instead' }
          : {}),
        cause: err,
      },
    );
  }
}
