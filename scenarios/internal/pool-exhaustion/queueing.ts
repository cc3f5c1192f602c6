/**
 * C21 ("with a pool of 20, 30 of 50 sessions will queue/fail"): which sessions queued for a
 * connection. Pure: round.ts records one Checkout per pool checkout and hands them over here.
 *
 * node-postgres times a checkout from the request to the client, and that includes opening a new
 * connection while the pool is still below its max: a wait, but not queueing. So every checkout is
 * classified by the pool's state at the moment it was asked for, exactly as pg-pool decides (3.x
 * `connect`): an idle connection not already promised to an earlier waiter serves it; otherwise
 * a pool below max opens a new connection for it; otherwise it joins the wait queue behind busy
 * connections. Only the last is queueing.
 */

/** How the pool served a checkout, from its state when the checkout was asked for. */
export type CheckoutKind = 'idle' | 'open' | 'queue';

/** Pool gauges at the moment of a checkout request (pg.Pool totalCount/idleCount/waitingCount, options.max). */
export interface PoolState {
  /** Connections open or being opened. */
  total: number;
  idle: number;
  /** Checkouts already in the wait queue. */
  waiting: number;
  max: number;
}

/** One pool checkout: who asked (span = session id, `api:<n>`, or none for background work), when, and how long it waited. */
export interface Checkout {
  span: string | undefined;
  kind: CheckoutKind;
  /** Request time, ms (any monotonic clock). */
  at: number;
  /** Request to client (or to the checkout error), ms. */
  waitMs: number;
}

/**
 * A queued checkout counts when it waited over 1 ms. Below that, a connection was already being
 * released as it was asked for (the hand-over takes an event-loop turn); the summary prints, from
 * the same run, the p99 wait of checkouts served by an idle connection, which is that hand-over
 * time, so a reader can see the threshold sits above it.
 */
export const QUEUE_THRESHOLD_MS = 1;

/** pg-pool's choice for a checkout asked for in `s`. */
export function checkoutKind(s: PoolState): CheckoutKind {
  // Idle connections go to waiters in order, so one only serves this checkout if some are left over.
  if (s.idle > s.waiting) return 'idle';
  return s.total < s.max ? 'open' : 'queue';
}

export interface SessionOutcome {
  id: string;
  failed: boolean;
}

/** One round's sessions by how they got their connections; every session is counted at most once per field. */
export interface SessionQueueing {
  /** Sessions that ended in an error (any code, pool checkout timeouts included). */
  failed: number;
  /** Sessions that queued over the threshold at least once, failed or not. */
  queued: number;
  /** Queued and did not fail. */
  queuedOnly: number;
  /** failed + queuedOnly: the sessions that queued or failed (C21). */
  queuedOrFailed: number;
  /** Queued sessions whose only queueing over the threshold was their first checkout (every session starts in the same instant). */
  queuedAtStartOnly: number;
  /** Queued sessions with a queued checkout over `longMs`. */
  queuedLong: number;
  /** Sessions that did not queue or fail but waited over the threshold to open a new connection: not counted (the pool was below max). */
  openWaitOnly: number;
}

/** Counts the round's sessions that queued or failed; checkouts of other spans (API reads, background work) are ignored. */
export function countQueueing(
  sessions: readonly SessionOutcome[],
  checkouts: Iterable<Checkout>,
  o: { thresholdMs: number; longMs: number },
): SessionQueueing {
  const bySession = new Map<string, Checkout[]>(sessions.map((s) => [s.id, []]));
  for (const c of checkouts) if (c.span !== undefined) bySession.get(c.span)?.push(c);
  const out: SessionQueueing = {
    failed: 0,
    queued: 0,
    queuedOnly: 0,
    queuedOrFailed: 0,
    queuedAtStartOnly: 0,
    queuedLong: 0,
    openWaitOnly: 0,
  };
  for (const s of sessions) {
    const mine = bySession.get(s.id) ?? [];
    const first = mine.reduce<Checkout | undefined>((a, c) => (a === undefined || c.at < a.at ? c : a), undefined);
    const queued = mine.filter((c) => c.kind === 'queue' && c.waitMs > o.thresholdMs);
    if (s.failed) out.failed++;
    if (queued.length > 0) {
      out.queued++;
      if (!s.failed) out.queuedOnly++;
      if (queued.every((c) => c === first)) out.queuedAtStartOnly++;
      if (queued.some((c) => c.waitMs > o.longMs)) out.queuedLong++;
    } else if (!s.failed && mine.some((c) => c.kind === 'open' && c.waitMs > o.thresholdMs)) out.openWaitOnly++;
    if (s.failed || queued.length > 0) out.queuedOrFailed++;
  }
  return out;
}

/** Wait percentiles of one checkout kind (nearest rank), ms; 0 when there were none. */
export function waitQuantile(checkouts: readonly Checkout[], kind: CheckoutKind, q: number): number {
  const waits = checkouts
    .filter((c) => c.kind === kind)
    .map((c) => c.waitMs)
    .sort((a, b) => a - b);
  if (waits.length === 0) return 0;
  return waits[Math.min(waits.length - 1, Math.max(0, Math.ceil(q * waits.length) - 1))] as number;
}
