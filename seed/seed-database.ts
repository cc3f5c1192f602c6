import pg from 'pg';
import { LoadlabError, ENGINE_ERRORS } from '../engine/errors/index.js';
import { SEED_DEFAULTS } from './defaults.js';
import { resolveProfile, type SeedProfile } from './profiles.js';
import { seededApiToken } from './tokens.js';
import { detectBulkMode, type BulkMode } from './internal/bulk.js';
import {
  assertMigrated,
  cancelSeeding,
  hasTaskCountColumn,
  nonEmptyTables,
  notMigrated,
  syncSequences,
  taskCountTrigger,
  truncateSeeded,
} from './internal/database.js';
import { loadAll, type TableLoaded, type TableProgress } from './internal/load.js';
import { upsertPersonas } from './internal/personas.js';
import { sessionsPerUser, userId, type SeedContext } from './internal/plan.js';
import { buildPools } from './internal/pools.js';
import { expectedRows, loadSteps } from './internal/schedule.js';
import { readTimeline } from './internal/timeline.js';

export interface SeedOptions {
  databaseUrl: string;
  /** A profile name (ci, default, large) or a custom size (tests). */
  profile: string | SeedProfile;
  seed?: number;
  /** Empty the seeded tables first; without it a non-empty database is refused. */
  reset?: boolean;
  onProgress?: (event: SeedProgress) => void;
  /**
   * Stops the seeding: the statements in flight are cancelled, nothing more starts, every
   * connection is closed, and the call rejects with the signal's reason. The database is left
   * half-filled (each table is one transaction, so a cancelled table is rolled back).
   */
  signal?: AbortSignal;
}

/**
 * Typed progress stream: `prepare`, then per table `copy` (throttled), `index` (rebuilding its
 * secondary indexes), `validate` (set-based FK check), `analyze` and `done`, then `analyze`
 * (sequences and the personas table).
 */
export type SeedProgress = { readonly phase: 'prepare' | 'analyze'; readonly elapsedMs: number } | SeedTableProgress;

export interface SeedTableProgress extends TableProgress {
  readonly phase: 'table';
  readonly elapsedMs: number;
}

export type SeedTableResult = TableLoaded;

export interface SeedResult {
  readonly profile: string;
  readonly seed: number;
  readonly tables: readonly SeedTableResult[];
  readonly totalRows: number;
  /** Wall time from the first COPY to the end of ANALYZE (FK validation included). */
  readonly seconds: number;
  readonly rowsPerSec: number;
  /** The start of the migration month: every timestamp is relative to it, never to now(). */
  readonly referenceDate: string;
  readonly taskCountColumn: boolean;
  /** Whether per-row FK checks were replaced by set-based validation (superuser only). */
  readonly bulkMode: boolean;
  /** Wall time of the run's phases: checks and value pools, loading (each table's ANALYZE included), sequences and the last ANALYZE. */
  readonly phases: { readonly prepareSeconds: number; readonly loadSeconds: number; readonly finishSeconds: number };
  readonly heavyUser: { readonly id: string; readonly sessions: number; readonly token: string };
}

/**
 * Fills a migrated database with deterministic data for `profile`: same seed, same rows. Tables
 * stream through COPY on several pool connections, each as soon as its FK parents are
 * committed and its foreign keys validated; ANALYZE runs at the end.
 */
export async function seedDatabase(options: SeedOptions): Promise<SeedResult> {
  const profile = resolveProfile(options.profile);
  const seed = options.seed ?? SEED_DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) throw new LoadlabError(ENGINE_ERRORS.SEED_PROFILE_UNKNOWN, `--seed must be an integer, got ${seed}`);
  const t0 = Date.now();
  const emit = (e: SeedProgress): void => options.onProgress?.(e);
  const signal = options.signal;
  signal?.throwIfAborted();
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: SEED_DEFAULTS.connections,
    statement_timeout: SEED_DEFAULTS.statementTimeoutMs,
    application_name: SEED_DEFAULTS.applicationName,
  });
  // A server that goes away (stopped, restarted, the database dropped) must fail the statement in
  // flight, not crash the process: pg emits 'error' on the client too, and the pool listens only
  // while a client is idle.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const onAbort = (): void => {
    void cancelSeeding(options.databaseUrl).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    emit({ phase: 'prepare', elapsedMs: 0 });
    const { ctx, bulk, trigger } = await prepare(pool, options, profile, seed);
    signal?.throwIfAborted();
    const expected = expectedRows(ctx);
    const tStart = Date.now();
    const tables = await loadAll({
      pool,
      ctx,
      steps: loadSteps(ctx),
      expected,
      bulk,
      taskCountTrigger: trigger,
      onProgress: (p) => emit({ phase: 'table', elapsedMs: Date.now() - t0, ...p }),
      ...(signal === undefined ? {} : { signal }),
    });
    const tLoaded = Date.now();
    signal?.throwIfAborted();
    emit({ phase: 'analyze', elapsedMs: tLoaded - t0 });
    await finish(pool);
    const tEnd = Date.now();
    const seconds = (tEnd - tStart) / 1000;
    const totalRows = tables.reduce((a, t) => a + t.rows, 0);
    const heavy = userId(seed, 0);
    return {
      profile: profile.name,
      seed,
      tables,
      totalRows,
      seconds,
      rowsPerSec: Math.round(totalRows / seconds),
      referenceDate: new Date(ctx.timeline.refMs).toISOString(),
      taskCountColumn: ctx.hasTaskCount,
      bulkMode: bulk.skipRowChecks,
      phases: { prepareSeconds: (tStart - t0) / 1000, loadSeconds: (tLoaded - tStart) / 1000, finishSeconds: (tEnd - tLoaded) / 1000 },
      heavyUser: { id: heavy, sessions: ctx.sessionsPerUser[0] ?? 0, token: seededApiToken(seed, heavy) },
    };
  } catch (err) {
    // A cancelled statement reports itself; the caller wants to know why it was cancelled.
    if (signal?.aborted === true) throw signal.reason;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await pool.end();
  }
}

/** Checks the database (migrated, empty or --reset), upserts personas and builds the context. */
async function prepare(
  pool: pg.Pool,
  options: SeedOptions,
  profile: SeedProfile,
  seed: number,
): Promise<{ ctx: SeedContext; bulk: BulkMode; trigger: string | undefined }> {
  const client = await connect(pool, options.databaseUrl);
  try {
    await assertMigrated(client, options.databaseUrl);
    const filled = await nonEmptyTables(client);
    if (filled.length > 0 && options.reset !== true) {
      throw new LoadlabError(
        ENGINE_ERRORS.SEED_DATABASE_NOT_EMPTY,
        `the database already holds data (${filled.join(', ')}); refusing to add to it`,
        {
          hint: 'pass --reset to empty the seeded tables first (TRUNCATE ... CASCADE), or seed a fresh database',
        },
      );
    }
    if (options.reset === true) await truncateSeeded(client);
    await upsertPersonas(client);
    const timeline = await readTimeline(client);
    const hasTaskCount = await hasTaskCountColumn(client);
    const ctx: SeedContext = {
      seed,
      profile,
      timeline,
      pools: buildPools(seed, timeline.refMs),
      sessionsPerUser: sessionsPerUser(profile),
      hasTaskCount,
    };
    return { ctx, bulk: await detectBulkMode(client), trigger: hasTaskCount ? await taskCountTrigger(client) : undefined };
  } finally {
    client.release();
  }
}

async function connect(pool: pg.Pool, url: string): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    // A missing database is the "not migrated" case: `loadlab migrate` creates it.
    if ((err as { code?: string }).code === '3D000') throw notMigrated(url, 'the database does not exist', err);
    throw new LoadlabError(ENGINE_ERRORS.DB_UNREACHABLE, `cannot connect: ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'check that PostgreSQL is running and the URL is right',
      cause: err,
    });
  }
}

/** Sequences past the explicit ids; each seeded table was analyzed right after its commit, personas are left. */
async function finish(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await syncSequences(client);
    await client.query('ANALYZE personas');
  } finally {
    client.release();
  }
}
