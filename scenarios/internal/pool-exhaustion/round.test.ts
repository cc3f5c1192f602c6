import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { withSpan } from '../../../engine/db/index.js';
import type { Checkout } from './queueing.js';
import { watchCheckouts } from './round.js';

/** A pool whose gauges and connect() the test drives; connect settles when the test says so. */
function fakePool(max: number) {
  const pending: { resolve: (c: unknown) => void; reject: (e: Error) => void }[] = [];
  const callbacks: unknown[] = [];
  const pool = {
    totalCount: 0,
    idleCount: 0,
    waitingCount: 0,
    options: { max },
    connect(...args: unknown[]): unknown {
      if (args.length > 0) {
        callbacks.push(args[0]);
        return undefined;
      }
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
  };
  return { pool: pool as unknown as pg.Pool, gauges: pool, pending, callbacks };
}

describe('watchCheckouts', () => {
  it('records the pool state at request, the caller span and the wait on a fake clock', async () => {
    const { pool, gauges, pending, callbacks } = fakePool(2);
    let now = 100;
    const seen: Checkout[] = [];
    watchCheckouts(
      pool,
      (c) => seen.push(c),
      () => now,
    );

    // Below max with nothing idle: opens a connection.
    const a = withSpan('s1', () => pool.connect());
    gauges.totalCount = 2;
    // Full, nothing idle: queues.
    const b = withSpan('s2', () => pool.connect());
    now = 130;
    pending[0]!.resolve('client-a');
    expect(await a).toBe('client-a');
    now = 400;
    pending[1]!.reject(new Error('timeout exceeded when trying to connect'));
    await expect(b).rejects.toThrow('timeout');
    // The callback form (pg's pool.query) passes through unrecorded.
    const cb = (): void => undefined;
    (pool.connect as (f: unknown) => void)(cb);

    expect(callbacks).toEqual([cb]);
    expect(seen).toEqual([
      { span: 's1', kind: 'open', at: 100, waitMs: 30 },
      { span: 's2', kind: 'queue', at: 100, waitMs: 300 },
    ]);
  });
});
