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
  private timer: NodeJS.Timeout | undefined;
  private filling = false;
  private closed = false;

  constructor(private readonly o: OrderedDeliveryOptions) {
    this.lastSequence = o.afterSequence;
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
    if (this.timer !== undefined) clearTimeout(this.timer);
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
      this.gapSince ??= Date.now();
    }
  }

  private scheduleFill(delay: number): void {
    if (this.closed || this.filling || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.fill();
    }, delay);
    this.timer.unref();
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
    if (Date.now() - (this.gapSince ?? Date.now()) >= this.o.maxWaitMs) {
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
