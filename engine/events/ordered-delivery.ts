import { systemClock, type Clock } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import type { EventEnvelope } from './envelope.js';

// First retry soon (the missing batch is usually a window away from PostgreSQL), then back off.
const GAP_RETRY_FIRST_MS = 50;
const GAP_RETRY_MAX_MS = 1_000;

export interface OrderedDeliveryOptions {
  afterSequence: number;
  onEvent: (event: EventEnvelope) => void;
  /** Events after `afterSequence` from the stores (Redis history, else PostgreSQL), any order. */
  fetchAfter: (afterSequence: number) => Promise<readonly EventEnvelope[]>;
  /** How long newer events wait for a missing one before the gap is skipped (and counted). */
  maxWaitMs: number;
  log: Logger;
  /** The gap's age and the re-fetch timer; the system's unless a test passes a manual clock. */
  clock?: Clock;
}

/**
 * Delivers a session's events exactly once and in sequence order, whatever order they arrive in
 * (live pub/sub, history replay, polling). An event ahead of the next expected sequence is held
 * while the missing ones are fetched again and again: after a Redis restart the history list is
 * empty and PostgreSQL may not have the batch in flight yet, and jumping ahead would lose those
 * events for this client for good.
 */
export class OrderedDelivery {
  lastSequence: number;
  /** Sequences given up on after `maxWaitMs` (never persisted, e.g. dropped on purpose). */
  skipped = 0;
  private readonly held = new Map<number, EventEnvelope>();
  private gapSince: number | undefined;
  private retryMs = GAP_RETRY_FIRST_MS;
  /** Cancels the pending re-fetch, if any. */
  private cancelFill: (() => void) | undefined;
  private filling = false;
  private closed = false;
  private readonly clock: Clock;

  constructor(private readonly o: OrderedDeliveryOptions) {
    this.lastSequence = o.afterSequence;
    this.clock = o.clock ?? systemClock;
  }

  /** Events waiting behind a gap. */
  get waiting(): number {
    return this.held.size;
  }

  offer(events: readonly EventEnvelope[]): void {
    if (this.closed) return;
    for (const e of events) if (e.sequence > this.lastSequence) this.held.set(e.sequence, e);
    this.release();
    if (this.held.size > 0) this.scheduleFill(0);
  }

  close(): void {
    this.closed = true;
    this.cancelFill?.();
    this.cancelFill = undefined;
    this.held.clear();
  }

  private release(): void {
    for (let next = this.held.get(this.lastSequence + 1); next !== undefined && !this.closed; next = this.held.get(this.lastSequence + 1)) {
      this.held.delete(next.sequence);
      this.lastSequence = next.sequence;
      this.o.onEvent(next);
    }
    if (this.held.size === 0) {
      this.gapSince = undefined;
      this.retryMs = GAP_RETRY_FIRST_MS;
    } else {
      this.gapSince ??= this.clock.now();
    }
  }

  private scheduleFill(delay: number): void {
    if (this.closed || this.filling || this.cancelFill !== undefined) return;
    this.cancelFill = this.clock.after(delay, () => {
      this.cancelFill = undefined;
      void this.fill();
    });
  }

  private async fill(): Promise<void> {
    if (this.closed || this.held.size === 0) return;
    this.filling = true;
    try {
      this.offerFetched(await this.o.fetchAfter(this.lastSequence));
    } catch (err) {
      this.o.log.debug({ err: (err as Error).message }, 'gap fill failed; retrying');
    } finally {
      this.filling = false;
    }
    if (this.held.size === 0 || this.closed) return;
    const now = this.clock.now();
    if (now - (this.gapSince ?? now) >= this.o.maxWaitMs) {
      const first = Math.min(...this.held.keys());
      this.skipped += first - this.lastSequence - 1;
      this.o.log.warn({ from: this.lastSequence + 1, to: first - 1 }, 'event sequences never persisted; skipped');
      this.lastSequence = first - 1;
      this.release();
      if (this.held.size > 0) this.scheduleFill(0);
      return;
    }
    this.scheduleFill(this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, GAP_RETRY_MAX_MS);
  }

  private offerFetched(events: readonly EventEnvelope[]): void {
    for (const e of events) if (e.sequence > this.lastSequence) this.held.set(e.sequence, e);
    this.release();
  }
}
