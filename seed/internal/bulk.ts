import pg from 'pg';
import { ENGINE_ERRORS, LoadlabError } from '../../engine/errors/index.js';

/**
 * Bulk-load mode (PostgreSQL manual, "Populating a Database"). Per-row foreign-key checks lock
 * the parent row (FOR KEY SHARE) for every child row and dominate COPY time (~4x on
 * session_events); secondary indexes, the GIN ones above all, cost as much again. So, inside each
 * table's loading transaction, when the role may do so:
 * - `SET LOCAL session_replication_role = replica` skips the per-row FK (and user) triggers; every
 *   FK is then checked once, set-based, by validateForeignKeys before the table commits;
 * - secondary (non-constraint) indexes are dropped before COPY and recreated after it, in the
 *   same transaction: a failure rolls the schema back untouched, and no other session ever sees
 *   the table without them.
 */
export interface BulkMode {
  /** Whether per-row FK checks can be skipped (superuser only: session_replication_role). */
  readonly skipRowChecks: boolean;
}

export async function detectBulkMode(client: pg.PoolClient): Promise<BulkMode> {
  const { rows } = await client.query<{ su: boolean }>(`SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user`);
  return { skipRowChecks: rows[0]?.su === true };
}

/** CREATE INDEX statements of the indexes that back no constraint (the ones safe to rebuild). */
export async function secondaryIndexes(client: pg.PoolClient, table: string): Promise<{ name: string; create: string }[]> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY c.relname`,
    [table],
  );
  // On a partitioned parent the definition reads "ON ONLY", which would not build the partitions' indexes.
  return rows.map((r) => ({ name: r.name, create: r.def.replace(' ON ONLY ', ' ON ') }));
}

/**
 * Checks every foreign key of `table` with one anti-join each (what ADD CONSTRAINT's validation
 * does). Runs inside the table's loading transaction, so a violation rolls the table back.
 */
export async function validateForeignKeys(client: pg.PoolClient, table: string): Promise<number> {
  const { rows } = await client.query<{ name: string; parent: string; cols: string[]; refs: string[] }>(
    `SELECT k.conname AS name, k.confrelid::regclass::text AS parent,
            array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) AS cols,
            array(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o) AS refs
       FROM pg_constraint k
      WHERE k.contype = 'f' AND k.conparentid = 0 AND k.conrelid = $1::regclass`,
    [table],
  );
  const id = pg.escapeIdentifier;
  for (const fk of rows) {
    const notNull = fk.cols.map((c) => `c.${id(c)} IS NOT NULL`).join(' AND ');
    const match = fk.cols.map((c, i) => `p.${id(fk.refs[i] as string)} = c.${id(c)}`).join(' AND ');
    const bad = await client.query(`SELECT 1 FROM ${id(table)} c WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${fk.parent} p WHERE ${match}) LIMIT 1`);
    if ((bad.rowCount ?? 0) > 0) {
      throw new LoadlabError(ENGINE_ERRORS.SEED_FK_VIOLATION, `seeded rows violate foreign key ${fk.name} (${table} -> ${fk.parent})`, {
        kind: 'internal',
        hint: 'this is a seeder bug; nothing of this table was committed',
      });
    }
  }
  return rows.length;
}
