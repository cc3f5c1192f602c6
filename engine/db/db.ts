import pg from 'pg';
import type { Histogram } from 'hdr-histogram-js';
import { ENGINE_ERRORS, LoadlabError, redactUrl } from '../errors/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { createLatencyHistogram, recordMs, summarize, type LatencySummary } from './internal/histogram.js';
import { interpolate } from './internal/literal.js';
import { currentSpanId, fingerprintSql, type QueryTracer } from './trace.js';

/**
 * How statements reach PostgreSQL. `simple`: parameters interpolated client-side and sent as one
 * simple-protocol query, as psycopg2 does (the audited system); planned on every call. `unnamed`:
 * extended protocol with an unnamed statement (node-postgres' default); also planned on every
 * call. `prepared`: a named statement per distinct SQL text, parsed once per connection; the
 * server switches to a cached generic plan after its usual five custom plans.
 */
export type StatementMode = 'simple' | 'unnamed' | 'prepared';

/** Distinct SQL texts given a prepared-statement name; beyond this, statements go unnamed. */
const MAX_PREPARED_TEXTS = 1_000;

/** Options of createDb; pool sizes come from config.db (§3 DatabaseConfig). */
export interface DbOptions {
  databaseUrl: string;
  poolMin: number;
  poolMax: number;
  connectionTimeoutMs: number;
  idleTimeoutMs: number;
  /** Per-connection statement_timeout; 0 disables it. */
  statementTimeoutMs: number;
  /** Default `unnamed` (node-postgres' own behaviour); the engine passes config.db.statementMode. */
  statementMode?: StatementMode;
  tracer?: QueryTracer;
  logger?: Logger;
}

/** Per-call options of Db.query. */
export interface QueryOptions {
  /** Stable statement name for tracing (e.g. `sessions.list_by_user.join`). */
  name?: string;
  /** Per-statement pg type parsers (e.g. timestamps kept as strings for rows that only become JSON). */
  types?: pg.CustomTypesConfig;
  /** `array`: each row as an array of values rather than an object keyed by column name. */
  rowMode?: 'array';
}

/** Anything statements can be sent through: the Db itself, or a transaction handle. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<pg.QueryResult<R>>;
}

/** Pool state at one moment plus the acquire-wait distribution since start (or last reset). */
export interface PoolMetrics {
  total: number;
  idle: number;
  waiting: number;
  max: number;
  acquireWaitMs: LatencySummary;
  queries: number;
  errors: number;
}

/**
 * The engine's single PostgreSQL access point: one pg Pool and one query path (`run`) that every
 * statement passes through, so the harness sees all of them in the tracer with their parent span.
 * Query errors are pg's own errors (callers may read `code`); failing to get a connection is a
 * LoadlabError (kind infra, the pg error as cause): LL_DB_POOL_TIMEOUT when every pooled connection
 * stayed busy, LL_DB_UNREACHABLE otherwise.
 */
export class Db implements Queryable {
  readonly pool: pg.Pool;
  private tracer: QueryTracer | undefined;
  private readonly acquireWait: Histogram = createLatencyHistogram();
  private readonly log: Logger;
  private readonly url: string;
  readonly statementMode: StatementMode;
  /** SQL text -> prepared statement name (`ll_<n>`), shared by every connection of the pool. */
  private readonly statementNames = new Map<string, string>();
  private queries = 0;
  private errors = 0;

  constructor(options: DbOptions) {
    this.url = options.databaseUrl;
    this.statementMode = options.statementMode ?? 'unnamed';
    this.tracer = options.tracer;
    this.log = options.logger ?? silentLogger();
    this.pool = new pg.Pool({
      connectionString: options.databaseUrl,
      min: options.poolMin,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectionTimeoutMs,
      idleTimeoutMillis: options.idleTimeoutMs,
      ...(options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
    });
    // An idle client losing its connection (server restart, proxy reset) must not crash the process.
    this.pool.on('error', (err) => this.log.warn({ err: err.message }, 'idle pg client error'));
    // A checked-out client whose socket dies emits 'error' with no pool listener attached: without
    // this handler that is an uncaught exception. The pending query still rejects on its own.
    this.pool.on('connect', (client) => client.on('error', (err) => this.log.warn({ err: err.message }, 'pg client error')));
  }

  /** Installs or removes the tracer hook (harness attribution of queries to requests). */
  setTracer(tracer: QueryTracer | undefined): void {
    this.tracer = tracer;
  }

  /** Runs one statement on a pooled connection. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: readonly unknown[] = [],
    options: QueryOptions = {},
  ): Promise<pg.QueryResult<R>> {
    const t0 = performance.now();
    const client = await this.acquire();
    const acquireMs = performance.now() - t0;
    try {
      return await this.run<R>(client, sql, params, options, acquireMs);
    } finally {
      client.release();
    }
  }

  /** Runs `fn` inside BEGIN/COMMIT on one connection; ROLLBACK and rethrow on any error. */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: QueryOptions = {}): Promise<T> {
    const t0 = performance.now();
    const client = await this.acquire();
    const acquireMs = performance.now() - t0;
    const tx: Queryable = { query: (sql, params = [], o = {}) => this.run(client, sql, params, o, 0) };
    let broken = false;
    try {
      await this.run(client, 'BEGIN', [], options, acquireMs);
      const result = await fn(tx);
      await this.run(client, 'COMMIT', [], options, 0);
      return result;
    } catch (err) {
      await this.run(client, 'ROLLBACK', [], options, 0).catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      // A connection that could not even roll back is discarded rather than reused.
      client.release(broken ? true : undefined);
    }
  }

  /** Current pool gauges and the acquire-wait histogram summary. */
  metrics(): PoolMetrics {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
      max: this.pool.options.max ?? 10,
      acquireWaitMs: summarize(this.acquireWait),
      queries: this.queries,
      errors: this.errors,
    };
  }

  /** Clears the acquire-wait histogram and counters (start of a measurement window). */
  resetMetrics(): void {
    this.acquireWait.reset();
    this.queries = 0;
    this.errors = 0;
  }

  /** Ends the pool; waits for checked-out clients to be released. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  private async acquire(): Promise<pg.PoolClient> {
    const t0 = performance.now();
    try {
      const client = await this.pool.connect();
      recordMs(this.acquireWait, performance.now() - t0);
      return client;
    } catch (err) {
      const waitedMs = performance.now() - t0;
      recordMs(this.acquireWait, waitedMs);
      this.errors += 1;
      // A full pool means the wait ran out behind busy connections (saturation), not that the
      // server is gone: the two need different fixes and are counted apart (pool-exhaustion).
      const max = this.pool.options.max ?? 10;
      if (this.pool.totalCount >= max) {
        throw new LoadlabError(
          ENGINE_ERRORS.DB_POOL_TIMEOUT,
          `no PostgreSQL connection came free within ${Math.round(waitedMs)} ms: all ${max} of the pool are busy`,
          {
            cause: err,
            hint: 'raise db.poolMax or db.connectionTimeoutMs, or lower the load (sessions × queries per step)',
          },
        );
      }
      throw new LoadlabError(
        ENGINE_ERRORS.DB_UNREACHABLE,
        `cannot get a PostgreSQL connection (${redactUrl(this.url)}): ${(err as Error).message}`,
        {
          cause: err,
          hint: 'check that PostgreSQL is running and reachable at that URL',
        },
      );
    }
  }

  /** The statement as node-postgres should send it in this Db's statement mode. */
  private toQuery(sql: string, params: readonly unknown[], options: QueryOptions): pg.QueryConfig {
    const types = {
      ...(options.types === undefined ? {} : { types: options.types }),
      ...(options.rowMode === undefined ? {} : { rowMode: options.rowMode }),
    };
    // Without parameters node-postgres uses the simple protocol whatever the mode; keep it so.
    if (params.length === 0) return { text: sql, ...types };
    if (this.statementMode === 'simple') return { text: interpolate(sql, params), ...types };
    if (this.statementMode === 'prepared') {
      const name = this.statementName(sql);
      if (name !== undefined) return { name, text: sql, values: params as unknown[], ...types };
    }
    return { text: sql, values: params as unknown[], ...types };
  }

  private statementName(sql: string): string | undefined {
    const known = this.statementNames.get(sql);
    if (known !== undefined || this.statementNames.size >= MAX_PREPARED_TEXTS) return known;
    const name = `ll_${this.statementNames.size + 1}`;
    this.statementNames.set(sql, name);
    return name;
  }

  /** The one place a statement is executed. */
  private async run<R extends pg.QueryResultRow>(
    client: pg.PoolClient,
    sql: string,
    params: readonly unknown[],
    options: QueryOptions,
    acquireMs: number,
  ): Promise<pg.QueryResult<R>> {
    const t0 = performance.now();
    this.queries += 1;
    let rows = 0;
    let error: string | undefined;
    try {
      const result = await client.query<R>(this.toQuery(sql, params, options));
      rows = result.rowCount ?? result.rows.length;
      return result;
    } catch (err) {
      this.errors += 1;
      error = (err as { code?: string }).code ?? (err as Error).message;
      throw err;
    } finally {
      const tracer = this.tracer;
      if (tracer !== undefined) {
        try {
          tracer({
            fingerprint: fingerprintSql(sql),
            name: options.name,
            durationMs: performance.now() - t0,
            acquireMs,
            rows,
            parentSpanId: currentSpanId(),
            error,
          });
        } catch (err) {
          this.log.warn({ err: (err as Error).message }, 'query tracer threw');
        }
      }
    }
  }
}

/** Creates the engine's Db from resolved config values. */
export function createDb(options: DbOptions): Db {
  return new Db(options);
}
