import pg from 'pg';

/** What a fault test reads straight from the store: rows and distinct keys of events and cost records. */
export interface StoreCount {
  events: number;
  distinctEvents: number;
  costs: number;
  distinctCosts: number;
}

/**
 * A plain SQL count of one database, independent of the scenario's own oracle: a fault test
 * compares the two ("a plain SQL count after a fault").
 */
export async function countStore(url: string): Promise<StoreCount> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<StoreCount>(`SELECT
      (SELECT count(*) FROM session_events)::int AS events,
      (SELECT count(DISTINCT (session_id, sequence)) FROM session_events)::int AS "distinctEvents",
      (SELECT count(*) FROM api_costs)::int AS costs,
      (SELECT count(DISTINCT request_id) FROM api_costs)::int AS "distinctCosts"`);
    return r.rows[0] as StoreCount;
  } finally {
    await client.end();
  }
}
