import pg from 'pg';
import { checkHistory, type History, type HistoryCheck } from '../../../harness/load/index.js';

/**
 * Every api_costs row whose request_id is one of `ids`, once per row (duplicates kept, so the
 * history checker can find them). Read over a direct connection, never through the fault proxy.
 */
export async function persistedRequestIds(databaseUrl: string, ids: readonly string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // a server going away must not crash the process
  await client.connect();
  try {
    const r = await client.query<{ id: string }>('SELECT request_id::text AS id FROM api_costs WHERE request_id = ANY($1::uuid[])', [ids]);
    return r.rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

export interface EvictionCheck {
  history: HistoryCheck;
  /** Acknowledged records missing from api_costs. */
  missing: string[];
  /** Missing records the tracker did not count as evicted: real, unexplained loss. */
  lostBeyondEvicted: number;
  /** The missing records are exactly the oldest of those held in memory (1) or not (0). */
  oldestFirst: number;
  /** Missing records that were not among the oldest held in memory. */
  outOfOrder: number;
  /** Age rank (0 = oldest) among the records held in memory of each missing record. */
  positions: number[];
}

/**
 * Checks what reached api_costs against the operation history: every record tracked is
 * "acknowledged" (track() returned). The ones missing must be the tracker's counted evictions
 * and, per §5.2, the oldest of the records that were held in memory (not in the retry list).
 */
export function checkEvictions(
  history: History,
  observed: readonly string[],
  order: readonly string[],
  heldInRedis: ReadonlySet<string>,
  evicted: number,
): EvictionCheck {
  const check = checkHistory(history, observed);
  const missing = check.lost;
  const inMemory = order.filter((id) => !heldInRedis.has(id));
  const oldest = new Set(inMemory.slice(0, missing.length));
  const outOfOrder = missing.filter((id) => !oldest.has(id)).length;
  const oldestFirst = missing.length === evicted && outOfOrder === 0 ? 1 : 0;
  const rank = new Map(inMemory.map((id, i) => [id, i]));
  const positions = missing.map((id) => rank.get(id) ?? -1).sort((a, b) => a - b);
  return { history: check, missing, lostBeyondEvicted: Math.max(0, missing.length - evicted), oldestFirst, outOfOrder, positions };
}
