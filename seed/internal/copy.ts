import { once } from 'node:events';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { SEED_DEFAULTS } from '../defaults.js';

/** Longest stretch of row generation without a turn of the event loop (20 ms). */
const YIELD_EVERY_NS = 20_000_000n;

/** Called with the running row count of one table while it streams. */
export type RowsCallback = (rows: number) => void;

export interface CopyTiming {
  readonly rows: number;
  /** Main-thread time spent producing rows and handing them to the socket (not waiting on the server). */
  readonly generateSeconds: number;
  /** Wall time of the whole COPY statement (generation included). */
  readonly copySeconds: number;
}

/**
 * Streams rows (each a COPY text-format line ending in '\n') into `table` through
 * COPY FROM STDIN, batching them into ~64 KB chunks and honouring back-pressure so memory stays
 * flat whatever the row count. Returns the rows sent and where the time went.
 *
 * Generating rows is CPU work that the server often outpaces, so the socket may never push back:
 * the loop yields to the event loop at least every 20 ms (a signal handler, a cancelled statement's
 * error must get through) and stops with `signal`'s reason once it is aborted.
 */
export async function copyRows(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: readonly string[],
  rows: Iterable<string>,
  onRows?: RowsCallback,
  signal?: AbortSignal,
): Promise<CopyTiming> {
  const t0 = process.hrtime.bigint();
  // Time not spent waiting for back-pressure or the server's reply is generation (phase timings).
  let busyNs = 0n;
  let mark = t0;
  let yielded = t0;
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
  stream.once('error', (err) => {
    failed = err;
  });
  try {
    for (const row of rows) {
      buf += row;
      count++;
      if (buf.length >= SEED_DEFAULTS.copyChunkBytes) {
        const more = stream.write(buf);
        buf = '';
        onRows?.(count);
        if (failed !== undefined) break;
        const now = process.hrtime.bigint();
        if (!more || now - yielded >= YIELD_EVERY_NS) {
          busyNs += now - mark;
          if (!more) await Promise.race([once(stream, 'drain'), finished]);
          else await new Promise<void>((resolve) => setImmediate(resolve));
          mark = process.hrtime.bigint();
          yielded = mark;
          signal?.throwIfAborted();
          if (failed !== undefined) break;
        }
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
  busyNs += process.hrtime.bigint() - mark;
  await finished;
  onRows?.(count);
  return { rows: count, generateSeconds: Number(busyNs) / 1e9, copySeconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
