import pg from 'pg';
import { SEED_DEFAULTS } from '../defaults.js';
import { secondaryIndexes, validateForeignKeys, type BulkMode } from './bulk.js';
import { copyRows } from './copy.js';
import { SEEDED_TABLES } from './database.js';
import type { SeedContext } from './plan.js';
import type { LoadStep } from './schedule.js';

export interface TableLoaded {
  readonly table: string;
  readonly rows: number;
  readonly seconds: number;
}

export interface TableProgress {
  readonly table: string;
  readonly rows: number;
  readonly expected?: number;
  readonly stage: 'copy' | 'index' | 'validate' | 'done';
}

export interface LoadOptions {
  readonly pool: pg.Pool;
  readonly ctx: SeedContext;
  readonly steps: readonly LoadStep[];
  readonly expected: Readonly<Record<string, number | undefined>>;
  readonly bulk: BulkMode;
  /** The per-row task_count trigger on session_tasks, when installed. */
  readonly taskCountTrigger: string | undefined;
  readonly onProgress: (p: TableProgress) => void;
}

/**
 * Loads every step once the tables it names in `after` are committed. Each table is one
 * transaction on its own pool connection, so independent tables stream in parallel.
 */
export async function loadAll(options: LoadOptions): Promise<TableLoaded[]> {
  const started = new Map<string, Promise<TableLoaded>>();
  for (const step of options.steps) {
    const deps = step.after.map((t) => started.get(t));
    const p = Promise.all(deps).then(() => loadTable(options, step));
    // Failures surface through Promise.all below; avoid an unhandled rejection meanwhile.
    p.catch(() => undefined);
    started.set(step.spec.table, p);
  }
  const results = await Promise.all(started.values());
  return SEEDED_TABLES.map((t) => results.find((r) => r.table === t)).filter((r): r is TableLoaded => r !== undefined);
}

async function loadTable(options: LoadOptions, step: LoadStep): Promise<TableLoaded> {
  const { pool, ctx, bulk } = options;
  const table = step.spec.table;
  const exp = options.expected[table];
  const progress = (rows: number, stage: TableProgress['stage']): void =>
    options.onProgress({ table, rows, stage, ...(exp === undefined ? {} : { expected: exp }) });
  const client = await pool.connect();
  const t0 = Date.now();
  try {
    await client.query('BEGIN');
    // Three commits per table at most; none needs to wait for the WAL flush.
    await client.query('SET LOCAL synchronous_commit = off');
    if (bulk.skipRowChecks) {
      // Skips FK and user triggers for this transaction only; FKs are validated set-based after.
      await client.query('SET LOCAL session_replication_role = replica');
    } else if (table === 'session_tasks' && options.taskCountTrigger !== undefined) {
      // The per-row task_count trigger would UPDATE sessions once per row and, through
      // trg_sessions_updated_at, stamp updated_at with now(), breaking determinism; sessions rows
      // already carry task_count = total_tasks. Disabled inside this transaction only.
      await client.query(`ALTER TABLE session_tasks DISABLE TRIGGER ${pg.escapeIdentifier(options.taskCountTrigger)}`);
    }
    const rebuild = bulk.skipRowChecks && (exp ?? Number.POSITIVE_INFINITY) >= SEED_DEFAULTS.rebuildIndexesMinRows;
    const indexes = rebuild ? await secondaryIndexes(client, table) : [];
    if (indexes.length > 0) await client.query(`DROP INDEX ${indexes.map((i) => pg.escapeIdentifier(i.name)).join(', ')}`);
    let last = 0;
    const rows = await copyRows(client, table, step.spec.columns, step.spec.rows(ctx), (n) => {
      const now = Date.now();
      if (now - last < SEED_DEFAULTS.progressIntervalMs) return;
      last = now;
      progress(n, 'copy');
    });
    if (indexes.length > 0) {
      progress(rows, 'index');
      await client.query(`SET LOCAL maintenance_work_mem = '${SEED_DEFAULTS.maintenanceWorkMem}'`);
      for (const index of indexes) await client.query(index.create);
    }
    if (bulk.skipRowChecks) {
      progress(rows, 'validate');
      await validateForeignKeys(client, table);
    }
    if (!bulk.skipRowChecks && table === 'session_tasks' && options.taskCountTrigger !== undefined) {
      await client.query(`ALTER TABLE session_tasks ENABLE TRIGGER ${pg.escapeIdentifier(options.taskCountTrigger)}`);
    }
    await client.query('COMMIT');
    progress(rows, 'done');
    return { table, rows, seconds: (Date.now() - t0) / 1000 };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
