import pg from 'pg';
import { SEED_DEFAULTS } from '../defaults.js';
import { droppableConstraints, secondaryIndexes, validateForeignKeys, type BulkMode } from './bulk.js';
import { copyRows } from './copy.js';
import { SEEDED_TABLES } from './database.js';
import { PhaseClock, type TablePhases } from './phases.js';
import type { SeedContext } from './plan.js';
import type { LoadStep } from './schedule.js';

export interface TableLoaded {
  readonly table: string;
  readonly rows: number;
  /** Wall time from getting a connection to the end of the table's ANALYZE. */
  readonly seconds: number;
  /** Where that time went (and how long the table waited before it). */
  readonly phases: TablePhases;
}

export interface TableProgress {
  readonly table: string;
  readonly rows: number;
  readonly expected?: number;
  readonly stage: 'copy' | 'index' | 'validate' | 'analyze' | 'done';
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
  /** Checked whenever a table gets its connection: an aborted seeding starts nothing new. */
  readonly signal?: AbortSignal;
}

/**
 * Loads every step, each table in one transaction on its own pool connection.
 * - Bulk mode (per-row FK checks off): every table starts at once and only its set-based FK
 *   validation waits for the parents to commit, so the big child tables no longer queue behind
 *   users → sessions (sessions replays every priced call: it is slow to generate).
 * - Otherwise the per-row FK checks need committed parents: a table starts after its parents.
 * Steps ask the pool for connections in list order (the pool serves waiters first come, first
 * served), and a table waits only for tables listed before it, so a parent always holds a
 * connection before any child waiting on it: no deadlock whatever the pool size.
 */
export async function loadAll(options: LoadOptions): Promise<TableLoaded[]> {
  const committed = new Map<string, Promise<unknown>>();
  const results: Promise<TableLoaded>[] = [];
  for (const step of options.steps) {
    const missing = step.after.filter((t) => !committed.has(t));
    if (missing.length > 0) throw new Error(`load step ${step.spec.table} is listed before its parents ${missing.join(', ')}`);
    const parents = Promise.all(step.after.map((t) => committed.get(t)));
    // In bulk mode a table awaits its parents only after its COPY; if it fails (or is aborted)
    // first, a parent's failure would otherwise be an unhandled rejection.
    parents.catch(() => undefined);
    let commit: (v: unknown) => void = () => undefined;
    let abort: (e: unknown) => void = () => undefined;
    const done = new Promise((resolve, reject) => {
      commit = resolve;
      abort = reject;
    });
    done.catch(() => undefined);
    committed.set(step.spec.table, done);
    const p = (options.bulk.skipRowChecks ? Promise.resolve() : parents)
      .then(() => loadTable(options, step, parents, commit))
      .catch((err: unknown) => {
        abort(err);
        throw err;
      });
    // Failures surface through Promise.all below; avoid an unhandled rejection meanwhile.
    p.catch(() => undefined);
    results.push(p);
  }
  const loaded = await Promise.all(results);
  return SEEDED_TABLES.map((t) => loaded.find((r) => r.table === t)).filter((r): r is TableLoaded => r !== undefined);
}

async function loadTable(
  options: LoadOptions,
  step: LoadStep,
  parents: Promise<unknown>,
  committed: (v: unknown) => void,
): Promise<TableLoaded> {
  const { pool, ctx, bulk } = options;
  const table = step.spec.table;
  const exp = options.expected[table];
  const progress = (rows: number, stage: TableProgress['stage']): void =>
    options.onProgress({ table, rows, stage, ...(exp === undefined ? {} : { expected: exp }) });
  const clock = new PhaseClock();
  const client = await pool.connect();
  clock.lap('wait');
  const connected = clock.elapsed();
  try {
    options.signal?.throwIfAborted();
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
    const constraints = rebuild ? await droppableConstraints(client, table) : [];
    if (indexes.length > 0) await client.query(`DROP INDEX ${indexes.map((i) => pg.escapeIdentifier(i.name)).join(', ')}`);
    if (constraints.length > 0)
      await client.query(
        `ALTER TABLE ${pg.escapeIdentifier(table)} ${constraints.map((c) => `DROP CONSTRAINT ${pg.escapeIdentifier(c.name)}`).join(', ')}`,
      );
    clock.lap('prepare');
    let last = 0;
    const copied = await copyRows(
      client,
      table,
      step.spec.columns,
      step.spec.rows(ctx),
      (n) => {
        const now = Date.now();
        if (now - last < SEED_DEFAULTS.progressIntervalMs) return;
        last = now;
        progress(n, 'copy');
      },
      options.signal,
    );
    const rows = copied.rows;
    clock.record('generate', copied.generateSeconds);
    clock.lap('copy');
    if (indexes.length + constraints.length > 0) {
      progress(rows, 'index');
      // Sorts of a whole partition in memory; parallel btree builds need ≥ 32 MB per worker.
      await client.query(`SET LOCAL maintenance_work_mem = '${SEED_DEFAULTS.maintenanceWorkMem}'`);
      await client.query(`SET LOCAL max_parallel_maintenance_workers = ${SEED_DEFAULTS.parallelMaintenanceWorkers}`);
      // Keys first: a duplicate fails before the long secondary builds.
      for (const c of constraints) await client.query(c.add);
      // GIN builds are serial: run them while other tables still load, and leave the btrees, which
      // can take parallel workers, for the end, when the other tables are done and cores are free.
      const ordered = [...indexes].sort((a, b) => Number(b.create.includes(' USING gin ')) - Number(a.create.includes(' USING gin ')));
      for (const index of ordered) await client.query(index.create);
      clock.lap('index');
    }
    if (bulk.skipRowChecks) {
      // READ COMMITTED: the validation queries see parents committed after this transaction began.
      await parents;
      clock.lap('wait');
      progress(rows, 'validate');
      await validateForeignKeys(client, table);
      clock.lap('validate');
    }
    if (!bulk.skipRowChecks && table === 'session_tasks' && options.taskCountTrigger !== undefined) {
      await client.query(`ALTER TABLE session_tasks ENABLE TRIGGER ${pg.escapeIdentifier(options.taskCountTrigger)}`);
    }
    await client.query('COMMIT');
    clock.lap('commit');
    committed(undefined);
    // Right away, while other tables still load, instead of one ANALYZE pass at the very end.
    progress(rows, 'analyze');
    await client.query(`ANALYZE ${pg.escapeIdentifier(table)}`);
    clock.lap('analyze');
    progress(rows, 'done');
    return { table, rows, seconds: Math.round((clock.elapsed() - connected) * 1000) / 1000, phases: clock.phases() };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
