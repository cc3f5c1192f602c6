import type { Db } from '../../db/index.js';

/**
 * The few statements the API issues itself (batched lookups, compare-and-set transitions). They
 * go through the engine's Db, so the tracer attributes them to the request's span like any other.
 */

export interface SessionBrief {
  id: string;
  user_id: string;
  problem_statement: string;
  status: string;
  created_at: Date;
}

/** Optimized form of the actions endpoint's per-session lookup: one statement for the page. */
export async function sessionsByIds(db: Db, ids: readonly string[]): Promise<SessionBrief[]> {
  if (ids.length === 0) return [];
  const r = await db.query<SessionBrief>(
    'SELECT id, user_id, problem_statement, status, created_at FROM sessions WHERE id = ANY($1)',
    [ids],
    { name: 'sessions.get_many' },
  );
  return r.rows;
}

/** bo1 get_metadata: the live fields the listing overlays (§2.1). */
export async function sessionMetadataRow(db: Db, id: string): Promise<{ status: string; phase: string; total_cost: string } | undefined> {
  const r = await db.query<{ status: string; phase: string; total_cost: string }>(
    'SELECT status, phase, total_cost FROM sessions WHERE id = $1',
    [id],
    { name: 'sessions.get_metadata' },
  );
  return r.rows[0];
}

/**
 * created → running for the owner, atomically: two concurrent /start calls cannot both win, and
 * a stream opened right after /start already sees `running` (bo1 answers 409 for `created`).
 */
export async function claimStart(db: Db, id: string, userId: string): Promise<boolean> {
  const r = await db.query("UPDATE sessions SET status = 'running' WHERE id = $1 AND user_id = $2 AND status = 'created'", [id, userId], {
    name: 'sessions.claim_start',
  });
  return (r.rowCount ?? 0) > 0;
}

/** Kills a session that never started (nothing runs, so only the row changes). */
export async function killNotStarted(db: Db, id: string, userId: string, reason: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE sessions SET status = 'killed', killed_at = now(), killed_by = $2, kill_reason = $3
     WHERE id = $1 AND user_id = $2 AND status = 'created'`,
    [id, userId, reason],
    { name: 'sessions.kill_not_started' },
  );
  return (r.rowCount ?? 0) > 0;
}

/** One action of the caller (404 otherwise: the WHERE carries the owner). */
export async function actionOfUser(db: Db, id: string, userId: string): Promise<Record<string, unknown> | undefined> {
  const r = await db.query<Record<string, unknown>>(
    'SELECT * FROM actions WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL',
    [id, userId],
    { name: 'actions.get_for_user' },
  );
  return r.rows[0];
}
