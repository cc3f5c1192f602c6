import { describe, expect, it } from 'vitest';
import { checkoutKind, countQueueing, waitQuantile, type Checkout, type CheckoutKind } from './queueing.js';

describe('checkoutKind', () => {
  it('follows pg-pool: a free idle connection, else a new one below max, else the wait queue', () => {
    expect(checkoutKind({ total: 20, idle: 1, waiting: 0, max: 20 })).toBe('idle');
    expect(checkoutKind({ total: 5, idle: 0, waiting: 0, max: 20 })).toBe('open');
    expect(checkoutKind({ total: 20, idle: 0, waiting: 0, max: 20 })).toBe('queue');
    expect(checkoutKind({ total: 20, idle: 0, waiting: 7, max: 20 })).toBe('queue');
    // The only idle connection is already promised to an earlier waiter (handed over on the next tick).
    expect(checkoutKind({ total: 20, idle: 1, waiting: 1, max: 20 })).toBe('queue');
    expect(checkoutKind({ total: 5, idle: 1, waiting: 1, max: 20 })).toBe('open');
  });
});

describe('countQueueing', () => {
  const co = (span: string | undefined, kind: CheckoutKind, at: number, waitMs: number): Checkout => ({ span, kind, at, waitMs });
  const opts = { thresholdMs: 1, longMs: 1_000 };

  it('counts each session that queued over the threshold or failed once, and not connection opens', () => {
    const sessions = [
      { id: 's1', failed: false }, // queued later in its run, long
      { id: 's2', failed: true }, // queued (on its only, first, statement) and failed: once
      { id: 's3', failed: false }, // waited only to open a new connection: not queueing
      { id: 's4', failed: false }, // queued, but under the threshold
      { id: 's5', failed: false }, // queued on its first statement only
      { id: 's6', failed: true }, // failed without queueing
      { id: 's7', failed: false }, // no checkout at all
    ];
    const checkouts = [
      co('s1', 'open', 0, 40),
      co('s1', 'queue', 50, 1_500),
      co('s2', 'queue', 0, 5_000),
      co('s3', 'open', 0, 80),
      co('s3', 'idle', 30, 0.2),
      co('s4', 'queue', 0, 0.6),
      // Recorded in completion order: the later checkout first.
      co('s5', 'idle', 90, 0.1),
      co('s5', 'queue', 2, 30),
      co('s6', 'idle', 0, 0.1),
      // Other spans and unknown sessions never count.
      co('api:1', 'queue', 10, 900),
      co(undefined, 'queue', 10, 900),
      co('other-round', 'queue', 10, 900),
    ];
    expect(countQueueing(sessions, checkouts, opts)).toEqual({
      failed: 2,
      queued: 3,
      queuedOnly: 2,
      queuedOrFailed: 4,
      queuedAtStartOnly: 2,
      queuedLong: 2,
      openWaitOnly: 1,
    });
  });

  it('keeps queued-or-failed between failed and the session count', () => {
    const sessions = Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, failed: i % 3 === 0 }));
    const checkouts = sessions.flatMap((s, i) => [co(s.id, i % 2 === 0 ? 'queue' : 'open', i, i * 2), co(s.id, 'queue', 100 + i, i)]);
    const q = countQueueing(sessions, checkouts, opts);
    expect(q.queuedOrFailed).toBe(q.failed + q.queuedOnly);
    expect(q.queuedOrFailed).toBeGreaterThanOrEqual(q.failed);
    expect(q.queuedOrFailed).toBeLessThanOrEqual(sessions.length);
    // s0 (wait 0 and 0) and s1 (open 2, queue 1: not over 1 ms) did not queue; s0 failed.
    expect(q).toMatchObject({ failed: 4, queued: 8, queuedOrFailed: 9 });
  });
});

describe('waitQuantile', () => {
  it('takes the nearest-rank quantile of one kind and 0 when there is none', () => {
    const cs: Checkout[] = [1, 2, 3, 4].map((w) => ({ span: 's', kind: 'idle', at: 0, waitMs: w }));
    expect(waitQuantile(cs, 'idle', 0.5)).toBe(2);
    expect(waitQuantile(cs, 'idle', 0.99)).toBe(4);
    expect(waitQuantile(cs, 'queue', 1)).toBe(0);
  });
});
