import pg from 'pg';
import { ENGINE_ERRORS, LoadlabError, redactUrl } from '../../engine/errors/index.js';
import { SEED_DEFAULTS } from '../defaults.js';

/** Every table the seeder writes, parents first (personas are upserted, not counted as data). */
export const SEEDED_TABLES = [
  'users',
  'user_context',
  'api_tokens',
  'tags',
  'research_cache',
  'sessions',
  'session_tasks',
  'session_events',
  'api_costs',
  'contributions',
  'actions',
  'action_tags',
  'session_clarifications',
] as const;

/** Tables whose ids the seeder supplies; their sequences are moved past the seeded ids. */
const SEQUENCED = ['session_events', 'api_costs', 'contributions', 'session_tasks'] as const;

/** Fails with a "run loadlab migrate" message when the schema the seeder fills is missing. */
export async function assertMigrated(client: pg.PoolClient, url: string): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT t AS name FROM unnest($1::text[]) AS t WHERE to_regclass('public.' || t) IS NULL`,
    [[...SEEDED_TABLES, 'personas']],
  );
  if (rows.length > 0) throw notMigrated(url, `missing tables: ${rows.map((r) => r.name).join(', ')}`);
}

export function notMigrated(url: string, detail: string, cause?: unknown): LoadlabError {
  return new LoadlabError(ENGINE_ERRORS.DB_NOT_MIGRATED, `${redactUrl(url)} is not migrated (${detail})`, {
    hint: `run \`loadlab migrate --database-url ${redactUrl(url)}\` first`,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Whether the `task-count` optimisation (sessions.task_count) is applied. */
export async function hasTaskCountColumn(client: pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'sessions' AND column_name = 'task_count'`,
  );
  return rows.length > 0;
}

/** Seeded tables that already hold at least one row. */
export async function nonEmptyTables(client: pg.PoolClient): Promise<string[]> {
  const probes = SEEDED_TABLES.map((t) => `SELECT ${pg.escapeLiteral(t)} AS name WHERE EXISTS (SELECT 1 FROM ${pg.escapeIdentifier(t)})`);
  const { rows } = await client.query<{ name: string }>(probes.join(' UNION ALL '));
  return rows.map((r) => r.name);
}

/** --reset: empties every seeded table (and what cascades from them) and restarts their sequences. */
export async function truncateSeeded(client: pg.PoolClient): Promise<void> {
  await client.query(`TRUNCATE ${SEEDED_TABLES.map((t) => pg.escapeIdentifier(t)).join(', ')} RESTART IDENTITY CASCADE`);
}

/** Moves id sequences past the explicit ids the seeder wrote, so the engine's inserts do not collide. */
export async function syncSequences(client: pg.PoolClient): Promise<void> {
  for (const t of SEQUENCED) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT max(id) FROM ${pg.escapeIdentifier(t)}), 0) + 1, false)`,
      [t],
    );
  }
}

/** The name of the per-row task_count trigger, when the optimisation installed it. */
export async function taskCountTrigger(client: pg.PoolClient): Promise<string | undefined> {
  const { rows } = await client.query<{ tgname: string }>(
    `SELECT tgname FROM pg_trigger WHERE tgrelid = 'session_tasks'::regclass AND tgname = 'trg_session_tasks_insert' AND NOT tgisinternal`,
  );
  return rows[0]?.tgname;
}

/**
 * Cancels the statements of every seeding connection to this database (found by their
 * application_name), from a connection of its own: the pool's may all be busy.
 */
export async function cancelSeeding(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(
      'SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()',
      [SEED_DEFAULTS.applicationName],
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
