import type pg from 'pg';
import type { Db, Queryable, QueryOptions } from '../../../engine/db/index.js';

/** The last statement a repository sent, so its exact SQL can be EXPLAINed. */
export interface Statement {
  sql: string;
  params: readonly unknown[];
}

/**
 * Wraps the engine's Db so repositories run unchanged (same SQL, same traced path) while the
 * scenario keeps the text and parameters of the last statement for EXPLAIN.
 */
export class RecordingDb implements Queryable {
  last: Statement | undefined;

  constructor(readonly db: Db) {}

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: readonly unknown[] = [],
    options: QueryOptions = {},
  ): Promise<pg.QueryResult<R>> {
    this.last = { sql, params };
    return this.db.query<R>(sql, params, options);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }
}
