import pg from 'pg';
import { ENGINE_ERRORS, LoadlabError } from '../../engine/errors/index.js';
import { SEED_DEFAULTS } from '../defaults.js';

/**
 * Bulk-load mode (PostgreSQL manual, "Populating a Database"). Per-row foreign-key checks lock
 * the parent row (FOR KEY SHARE) for every child row and dominate COPY time (~4x on
 * session_events); secondary indexes, the GIN ones above all, cost as much again. So, inside each
 * table's loading transaction, when the role may do so:
 * - `SET LOCAL session_replication_role = replica` skips the per-row FK (and user) triggers; every
 *   FK is then checked once, set-based, by validateForeignKeys before the table commits;
 * - secondary (non-constraint) indexes are dropped before COPY and recreated after it, in the
 *   same transaction: a failure rolls the schema back untouched, and no other session ever sees
 *   the table without them;
 * - so are the primary-key and unique constraints no foreign key depends on (the partitioned
 *   tables' (id, created_at) keys, unique (session_id, sequence, created_at), unique
 *   (request_id, created_at)): kept during COPY, their indexes take one random-order insertion
 *   per row (request_id is a random uuid); rebuilt by sorting after COPY they also re-check
 *   uniqueness over the whole table.
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

/** Primary-key and unique constraints of `table` that no foreign key references (safe to drop and re-add). */
export async function droppableConstraints(client: pg.PoolClient | pg.Client, table: string): Promise<{ name: string; add: string }[]> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `SELECT k.conname AS name, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k
      WHERE k.conrelid = $1::regclass AND k.contype IN ('p', 'u') AND k.conparentid = 0
        AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)
      ORDER BY k.conname`,
    [table],
  );
  const t = pg.escapeIdentifier(table);
  return rows.map((r) => ({ name: r.name, add: `ALTER TABLE ${t} ADD CONSTRAINT ${pg.escapeIdentifier(r.name)} ${r.def}` }));
}

/**
 * Checks every foreign key of `table` (what ADD CONSTRAINT's validation does) in one scan of the
 * child: one hashed LEFT JOIN per parent (referenced keys are unique, so no row is repeated) with
 * enough work_mem that the hashes of 100K+ parent keys stay in one batch. One scan per FK, with
 * the 4 MB default, cost as much as the index builds on `default`. Runs inside the table's loading
 * transaction, so a violation rolls the table back.
 */
export async function validateForeignKeys(client: pg.PoolClient | pg.Client, table: string): Promise<number> {
  const { rows } = await client.query<{ name: string; parent: string; cols: string[]; refs: string[] }>(
    `SELECT k.conname AS name, k.confrelid::regclass::text AS parent,
            array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) AS cols,
            array(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o) AS refs
       FROM pg_constraint k
      WHERE k.contype = 'f' AND k.conparentid = 0 AND k.conrelid = $1::regclass
      ORDER BY k.conname`,
    [table],
  );
  if (rows.length === 0) return 0;
  const id = pg.escapeIdentifier;
  const joins = rows.map(
    (fk, j) => `LEFT JOIN ${fk.parent} p${j} ON ${fk.cols.map((c, i) => `p${j}.${id(fk.refs[i] as string)} = c.${id(c)}`).join(' AND ')}`,
  );
  // MATCH SIMPLE: a row with a NULL in the key satisfies the FK; otherwise the parent row must exist.
  const broken = rows.map(
    (fk, j) =>
      `bool_or(${fk.cols.map((c) => `c.${id(c)} IS NOT NULL`).join(' AND ')} AND p${j}.${id(fk.refs[0] as string)} IS NULL) AS f${j}`,
  );
  await client.query(`SET LOCAL work_mem = '${SEED_DEFAULTS.validateWorkMem}'`);
  const {
    rows: [flags],
  } = await client.query<Record<string, boolean | null>>(`SELECT ${broken.join(', ')} FROM ${id(table)} c ${joins.join(' ')}`);
  const bad = rows.find((_, j) => flags?.[`f${j}`] === true);
  if (bad !== undefined) {
    throw new LoadlabError(ENGINE_ERRORS.SEED_FK_VIOLATION, `seeded rows violate foreign key ${bad.name} (${table} -> ${bad.parent})`, {
      hint: 'this is a seeder bug; nothing of this table was committed',
    });
  }
  return rows.length;
}
