import { systemClock, type Clock } from '../clock/index.js';
import type { EngineConfig } from '../config/index.js';
import type { SessionEventInput, SessionEventRepository } from '../db/index.js';
import type { Logger } from '../log/index.js';
import { CRITICAL_EVENT_TYPES } from './envelope.js';

/** How long a failed write waits before it is tried again. */
export const RETRY_DELAY_MS = 500;
/** How often drain() looks again while retries are pending. */
const DRAIN_POLL_MS = 20;

/**
 * Batched persistence to session_events (§7.2): flush at `batchSize`, when the oldest buffered
 * event is `batchWindowMs` old, or at `bufferCapacity`; critical events flush the buffer and are
 * written immediately. With `timerFlush` the window is a timer (optimized); without it the
 * window is only checked when the next event arrives (audited), so a quiet session's last
 * non-critical events wait for flush(). Time (the window, the retry delay, drain's deadline)
 * comes from the clock, so tests move it by hand. A failed write keeps the events and retries, so a
 * PostgreSQL blip delays events rather than losing them; a long outage holds at most
 * `maxPendingEvents`, beyond which the oldest are dropped and counted (`dropped`), so that
 * emitted = persisted + backlog + dropped always holds and the heap stays bounded.
 */
export class EventBatcher {
  private buffer: SessionEventInput[] = [];
  /**
   * Failed batches, oldest first. Kept apart from `buffer` (not prepended to it): writes are
   * serialised, so batches fail in emission order and appending keeps the oldest at the front,
   * where the cap drops.
   */
  private retry: SessionEventInput[] = [];
  private firstAt = 0;
  /** Cancels the one pending timer (batch window or retry delay), if any. */
  private cancelTimer: (() => void) | undefined;
  private chain: Promise<void> = Promise.resolve();
  private pendingWrites = 0;
  persisted = 0;
  failures = 0;
  dropped = 0;

  constructor(
    private readonly repo: SessionEventRepository,
    private readonly c: EngineConfig['events'],
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Events accepted but not yet confirmed in PostgreSQL. */
  get backlog(): number {
    return this.retry.length + this.buffer.length + this.pendingWrites;
  }

  add(e: SessionEventInput): void {
    if (this.buffer.length === 0) this.firstAt = this.clock.now();
    this.buffer.push(e);
    this.cap();
    const critical = CRITICAL_EVENT_TYPES.has(e.eventType);
    const windowDue = this.clock.now() - this.firstAt >= this.c.batchWindowMs;
    if (critical || this.buffer.length >= this.c.batchSize || this.buffer.length >= this.c.bufferCapacity || windowDue) {
      void this.flush();
    } else if (this.c.timerFlush) {
      this.flushAfter(this.c.batchWindowMs);
    }
  }

  /** Writes everything buffered; resolves when it (and earlier writes) are confirmed or re-queued. */
  flush(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const batch = this.retry.length === 0 ? this.buffer : [...this.retry, ...this.buffer];
    this.buffer = [];
    this.retry = [];
    if (batch.length === 0) return this.chain;
    this.pendingWrites += batch.length;
    // Writes are serialised so sequences reach PostgreSQL in order and retries never race.
    this.chain = this.chain.then(() => this.write(batch));
    return this.chain;
  }

  /**
   * Waits until nothing is buffered or in flight (retries included), or the deadline passes. Both
   * the deadline and the pause between looks are clock time: on a manual clock it returns only as
   * the test advances it (or once the backlog is empty).
   */
  async drain(deadlineMs = 10_000): Promise<void> {
    const end = this.clock.now() + deadlineMs;
    while (this.backlog > 0 && this.clock.now() < end) {
      await this.flush();
      if (this.backlog > 0) await this.clock.sleep(DRAIN_POLL_MS);
    }
  }

  close(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** Arms the flush timer unless one is pending (an earlier deadline is never pushed back). */
  private flushAfter(ms: number): void {
    if (this.cancelTimer !== undefined) return;
    this.cancelTimer = this.clock.after(ms, () => {
      this.cancelTimer = undefined;
      void this.flush();
    });
  }

  /**
   * Drops the oldest events beyond maxPendingEvents. Writes in flight are older than `buffer`, so
   * the buffer is only cut when none is in flight; otherwise the excess is dropped from `retry`
   * once those writes fail, and the bound holds again as soon as they settle.
   */
  private cap(): void {
    let excess = this.backlog - this.c.maxPendingEvents;
    if (excess <= 0) return;
    const fromRetry = Math.min(excess, this.retry.length);
    this.retry.splice(0, fromRetry);
    excess -= fromRetry;
    const fromBuffer = this.pendingWrites === 0 ? Math.min(excess, this.buffer.length) : 0;
    this.buffer.splice(0, fromBuffer);
    const n = fromRetry + fromBuffer;
    if (n === 0) return;
    this.dropped += n;
    this.log.error(
      { dropped: n, maxPendingEvents: this.c.maxPendingEvents },
      'events dropped: PostgreSQL unavailable and the pending buffer is full',
    );
  }

  private async write(batch: SessionEventInput[]): Promise<void> {
    try {
      this.persisted += await this.repo.saveBatch(batch);
      this.pendingWrites -= batch.length;
    } catch (err) {
      this.failures += 1;
      this.pendingWrites -= batch.length;
      this.log.warn({ err: (err as Error).message, events: batch.length }, 'event batch write failed; will retry');
      this.retry = this.retry.concat(batch);
      this.cap();
      this.flushAfter(RETRY_DELAY_MS);
    }
  }
}
