import pg from 'pg';
import { SEEDED_TABLES } from './database.js';

/** md5 of every seeded table's rows in a fixed order (plus personas), for determinism checks. */
export async function tableChecksums(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const out: Record<string, string> = {};
    for (const t of [...SEEDED_TABLES, 'personas']) {
      const { rows } = await client.query<{ h: string }>(
        `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${pg.escapeIdentifier(t)} t`,
      );
      out[t] = rows[0]?.h ?? '';
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Runs one query and returns its first row. */
export async function queryOne<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<T>(sql, params);
    return rows[0] as T;
  } finally {
    await client.end();
  }
}
