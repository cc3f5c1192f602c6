import { once } from 'node:events';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { SEED_DEFAULTS } from '../defaults.js';

/** Called with the running row count of one table while it streams. */
export type RowsCallback = (rows: number) => void;

/**
 * Streams rows (each a COPY text-format line ending in '\n') into `table` through
 * COPY FROM STDIN, batching them into ~64 KB chunks and honouring back-pressure so memory stays
 * flat whatever the row count. Returns the number of rows sent.
 */
export async function copyRows(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: readonly string[],
  rows: Iterable<string>,
  onRows?: RowsCallback,
): Promise<number> {
  const sql = `COPY ${table} (${columns.join(', ')}) FROM STDIN`;
  const stream = client.query(copyStreams.from(sql));
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  // Keep the rejection handled while we are still writing; it is awaited below.
  finished.catch(() => undefined);
  let buf = '';
  let count = 0;
  let failed: unknown;
  stream.once('error', (err) => { failed = err; });
  try {
    for (const row of rows) {
      buf += row;
      count++;
      if (buf.length >= SEED_DEFAULTS.copyChunkBytes) {
        const more = stream.write(buf);
        buf = '';
        onRows?.(count);
        if (failed !== undefined) break;
        if (!more) await Promise.race([once(stream, 'drain'), finished]);
      }
    }
    if (failed === undefined) {
      if (buf.length > 0) stream.write(buf);
      stream.end();
    }
  } catch (err) {
    stream.destroy(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
  await finished;
  onRows?.(count);
  return count;
}
