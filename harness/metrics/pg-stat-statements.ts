import type { SqlClient } from './sql-client.js';

export interface StatementStat {
  queryId: string;
  query: string;
  calls: number;
  totalMs: number;
  rows: number;
  sharedHitBlocks: number;
  sharedReadBlocks: number;
}

export type StatementsSnapshot = Map<string, StatementStat>;

export interface StatementDelta extends StatementStat {
  /** totalMs / calls over the interval: a mean, only to rank; percentiles come from the tracer. */
  meanMs: number;
}

/**
 * True when pg_stat_statements can be read in this database. The extension must be both created
 * and preloaded (shared_preload_libraries); without preload, selecting from the view errors, so
 * the probe reads it rather than trusting pg_extension alone.
 */
export async function hasPgStatStatements(client: SqlClient): Promise<boolean> {
  const ext = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'");
  if (ext.rows.length === 0) return false;
  try {
    await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
    return true;
  } catch {
    return false;
  }
}

/** Counters for the current database; null when the extension is not available. */
export async function snapshotStatements(client: SqlClient): Promise<StatementsSnapshot | null> {
  if (!(await hasPgStatStatements(client))) return null;
  // PostgreSQL 13+ column names (total_exec_time); both servers we target (15, 18) have them.
  const res = await client.query(`
    SELECT queryid::text AS query_id, query, calls, total_exec_time, rows, shared_blks_hit, shared_blks_read
    FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`);
  const snap: StatementsSnapshot = new Map();
  for (const raw of res.rows) {
    const r = raw as Record<string, string | number | null>;
    const queryId = String(r['query_id']);
    snap.set(queryId, {
      queryId,
      query: String(r['query'] ?? ''),
      calls: Number(r['calls']),
      totalMs: Number(r['total_exec_time']),
      rows: Number(r['rows']),
      sharedHitBlocks: Number(r['shared_blks_hit']),
      sharedReadBlocks: Number(r['shared_blks_read']),
    });
  }
  return snap;
}

/** What ran between two snapshots, most total time first; statements that did not run are left out. */
export function diffStatements(before: StatementsSnapshot, after: StatementsSnapshot): StatementDelta[] {
  const out: StatementDelta[] = [];
  for (const [id, a] of after) {
    const b = before.get(id);
    const calls = a.calls - (b?.calls ?? 0);
    // A reset between snapshots makes deltas negative: treat the after value as the delta.
    const reset = calls < 0;
    const d = reset
      ? a
      : {
          ...a,
          calls,
          totalMs: a.totalMs - (b?.totalMs ?? 0),
          rows: a.rows - (b?.rows ?? 0),
          sharedHitBlocks: a.sharedHitBlocks - (b?.sharedHitBlocks ?? 0),
          sharedReadBlocks: a.sharedReadBlocks - (b?.sharedReadBlocks ?? 0),
        };
    if (d.calls <= 0) continue;
    out.push({ ...d, meanMs: d.totalMs / d.calls });
  }
  return out.sort((x, y) => y.totalMs - x.totalMs);
}
