import type { EngineConfig } from '../config/index.js';
import type { ApiCostInput, CostRepository } from '../db/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { buildCostRecord, decodeRecord, encodeRecord, type TrackCallInput } from './record.js';
import { RetryLedger } from './retry-ledger.js';
import { systemClock, type Clock } from '../clock/index.js';

/** The accounting terms; invariant: generated = persisted + queued + buffered + evicted + lostInRetryQueue. */
export interface CostAccounting {
  generated: number;
  /** Records confirmed in api_costs (inserted now, or found already there by request_id+created_at). */
  persisted: number;
  /** Own records waiting in the Redis retry list (or popped by the drain and not yet resolved). */
  queued: number;
  /** Records in memory: the buffer plus a batch being flushed. */
  buffered: number;
  /** Records dropped because DB and Redis were both down and the buffer was full (§5.2). */
  evicted: number;
  /**
   * Own records that were in the Redis retry list and are gone without having been drained (a
   * Redis restart without persistence), and that no in-process shadow could restore.
   */
  lostInRetryQueue: number;
  /** Of `persisted`, how many were already present (a replay after a lost acknowledgement). */
  duplicates: number;
  /** Records of other processes drained from a shared retry list (outside the invariant). */
  foreignDrained: number;
  flushes: number;
  failedFlushes: number;
}

/**
 * The Redis commands the tracker uses: the retry list and the reconnect signal. A port, so a test
 * passes a plain object; ioredis' `Redis` fits it (the engine passes its client).
 */
export interface CostQueueRedis {
  rpush(key: string, ...values: string[]): Promise<number>;
  llen(key: string): Promise<number>;
  lpop(key: string, count: number): Promise<string[] | null>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

export interface CostTrackerOptions {
  repository: CostRepository;
  redis: CostQueueRedis;
  config: EngineConfig['costs'];
  redisKeyPrefix?: string;
  logger?: Logger;
  /** Called after a successful flush with the sessions it contained (aggregation-cache invalidation). */
  onPersisted?: (sessionIds: readonly string[]) => void;
  /** Called with sessions whose records went to the retry queue (sets sessions.has_untracked_costs). */
  onQueued?: (sessionIds: readonly string[]) => Promise<void>;
  /**
   * Called after a drain emptied the retry list, with the drained sessions that have no record
   * left in it and lost none (clears has_untracked_costs, as bo1's cost_retry_job, §5.2).
   */
  onDrained?: (sessionIds: readonly string[]) => Promise<void>;
  /** Time and the flush/drain timers; the system's unless a test passes a manual clock. */
  clock?: Clock;
}

// A small multiple of one connection: enough to drain a burst, far below any pool size.
const CHUNKS_IN_PARALLEL = 4;

const sessionsOf = (rs: readonly ApiCostInput[]): string[] => [...new Set(rs.flatMap((r) => (r.sessionId === null ? [] : [r.sessionId])))];

/**
 * CostTracker (§5.2): one record per call attempt, buffered and flushed at `batchSize` or
 * `flushIntervalMs`. `timerFlush` adds a real timer (optimized); without it the interval is only
 * checked when a record arrives (audited). A failed flush goes to the Redis list `retryQueueKey`;
 * if Redis fails too, the batch returns to the buffer, which then holds at most `maxBufferSize`
 * (oldest dropped and counted as evicted). A drain loop re-inserts queued records; the insert is
 * idempotent on (request_id, created_at), so a replay never double counts.
 */
export class CostTracker {
  private buffer: ApiCostInput[] = [];
  private inFlight = 0;
  private readonly queued: RetryLedger;
  /** Sessions with records lost from the retry list: their has_untracked_costs stays set. */
  private readonly sessionsWithLoss = new Set<string>();
  /** Retry-list work (drain, reconcile) runs one at a time: each reads the list as a whole. */
  private listTail: Promise<unknown> = Promise.resolve();
  private readonly onRedisReady = (): void => {
    void this.serial(() => this.reconcile());
  };
  private drainingOwn = 0;
  private degraded = false;
  private flushing: Promise<void> | undefined;
  private draining: Promise<number> | undefined;
  private readonly clock: Clock;
  private lastFlushAt: number;
  private readonly cancels: (() => void)[] = [];
  private readonly key: string;
  private readonly log: Logger;
  private readonly c: EngineConfig['costs'];
  private closed = false;
  private n = {
    generated: 0,
    persisted: 0,
    evicted: 0,
    lostInRetryQueue: 0,
    duplicates: 0,
    foreignDrained: 0,
    flushes: 0,
    failedFlushes: 0,
  };
  /**
   * Generation order of each record still held in memory. The buffer is kept sorted by it, so the
   * cap drops the oldest (§5.2) even when chunks of one flush fail in any order.
   */
  private readonly age = new WeakMap<ApiCostInput, number>();
  private nextAge = 0;

  constructor(private readonly o: CostTrackerOptions) {
    this.c = o.config;
    this.clock = o.clock ?? systemClock;
    this.lastFlushAt = this.clock.now();
    this.key = `${o.redisKeyPrefix ?? ''}${o.config.retryQueueKey}`;
    this.log = o.logger ?? silentLogger();
    this.queued = new RetryLedger(this.c.retryShadowMaxRecords);
    // A reconnect may follow a Redis restart that emptied the list: check it at once, not at the next drain.
    o.redis.on('ready', this.onRedisReady);
    if (this.c.timerFlush) this.every(this.c.flushIntervalMs, () => void this.flushIfDue(true));
    if (this.c.drainLoop) this.every(this.c.drainIntervalMs, () => void this.drainRetryQueue().catch(() => undefined));
  }

  /** Prices and buffers one call attempt; returns the record (request_id, costs). Never throws on I/O. */
  track(input: TrackCallInput): ApiCostInput {
    const record = buildCostRecord(input);
    this.n.generated += 1;
    this.age.set(record, (this.nextAge += 1));
    this.buffer.push(record);
    if (this.degraded) this.capBuffer();
    void this.flushIfDue(false);
    return record;
  }

  /** The accounting terms at this moment. */
  accounting(): CostAccounting {
    return {
      generated: this.n.generated,
      persisted: this.n.persisted,
      queued: this.queued.size + this.drainingOwn,
      buffered: this.buffer.length + this.inFlight,
      evicted: this.n.evicted,
      lostInRetryQueue: this.n.lostInRetryQueue,
      duplicates: this.n.duplicates,
      foreignDrained: this.n.foreignDrained,
      flushes: this.n.flushes,
      failedFlushes: this.n.failedFlushes,
    };
  }

  /** bo1 get_buffer_stats(). */
  bufferStats(): { bufferSize: number; lastFlushTime: number; secondsSinceFlush: number } {
    return {
      bufferSize: this.buffer.length,
      lastFlushTime: this.lastFlushAt,
      secondsSinceFlush: (this.clock.now() - this.lastFlushAt) / 1000,
    };
  }

  /** Flushes everything buffered now (and waits for a flush already running). */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    if (this.buffer.length > 0) await this.startFlush();
  }

  /**
   * Moves up to drainBatchSize records per round from the retry list back into api_costs (status
   * `retry`, metadata.retry_source as bo1's cost_retry_job), until the list is empty or a round fails.
   * Returns how many records were confirmed.
   */
  drainRetryQueue(): Promise<number> {
    this.draining ??= this.serial(() => this.drainLoop()).finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /**
   * Compares the retry list with the records this tracker put there. Missing ones (Redis lost
   * the list) are pushed again from the in-process shadow, or counted in `lostInRetryQueue`.
   * Runs on every Redis reconnect and when a drain finds the list empty.
   */
  reconcileRetryQueue(): Promise<void> {
    return this.serial(() => this.reconcile());
  }

  /** Stops the timers, flushes and drains once; records left over stay counted as queued/buffered. */
  async close(): Promise<void> {
    this.closed = true;
    this.o.redis.off('ready', this.onRedisReady);
    for (const cancel of this.cancels) cancel();
    await this.flush().catch(() => undefined);
    await this.drainRetryQueue().catch(() => undefined);
  }

  private every(ms: number, fn: () => void): void {
    this.cancels.push(this.clock.every(ms, fn));
  }

  private flushIfDue(fromTimer: boolean): Promise<void> | undefined {
    if (this.flushing !== undefined || this.buffer.length === 0) return undefined;
    const due = this.buffer.length >= this.c.batchSize || fromTimer || this.clock.now() - this.lastFlushAt >= this.c.flushIntervalMs;
    return due ? this.startFlush() : undefined;
  }

  private startFlush(): Promise<void> {
    this.flushing = this.flushAll().finally(() => {
      this.flushing = undefined;
      if (!this.closed && this.buffer.length >= this.c.batchSize && !this.degraded) void this.flushIfDue(false);
    });
    return this.flushing;
  }

  private async flushAll(): Promise<void> {
    this.lastFlushAt = this.clock.now();
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight += batch.length;
    // Chunks leave inFlight inside persistChunk, in the same synchronous step that credits them
    // elsewhere, so accounting() never sees a record twice or not at all. Cost records carry no
    // order (idempotent by request_id), so a backlog goes out a few chunks at a time rather than
    // one round trip after another.
    const chunks: ApiCostInput[][] = [];
    for (let i = 0; i < batch.length; i += this.c.batchSize) chunks.push(batch.slice(i, i + this.c.batchSize));
    for (let i = 0; i < chunks.length; i += CHUNKS_IN_PARALLEL) {
      await Promise.all(chunks.slice(i, i + CHUNKS_IN_PARALLEL).map((c) => this.persistChunk(c)));
    }
  }

  /** Insert → on failure RPUSH → on failure back to the buffer. Every path keeps the invariant. */
  private async persistChunk(chunk: ApiCostInput[]): Promise<void> {
    try {
      const inserted = await this.o.repository.insertBatch(chunk);
      this.n.flushes += 1;
      this.inFlight -= chunk.length;
      this.n.persisted += chunk.length;
      this.n.duplicates += chunk.length - inserted.length;
      this.degraded = false;
      this.o.onPersisted?.(sessionsOf(chunk));
      return;
    } catch (err) {
      this.n.failedFlushes += 1;
      this.log.warn({ err: (err as Error).message, records: chunk.length }, 'cost flush failed; queueing for retry');
    }
    try {
      await this.o.redis.rpush(this.key, ...chunk.map(encodeRecord));
      this.inFlight -= chunk.length;
      this.queued.add(chunk);
      void this.afterQueued(chunk);
    } catch (err) {
      this.inFlight -= chunk.length;
      this.log.error({ err: (err as Error).message, records: chunk.length }, 'cost retry queue unavailable; keeping records in memory');
      this.degraded = true;
      this.putBack(chunk);
    }
  }

  /**
   * Returns a failed chunk to the buffer in generation order. Chunks of one flush fail
   * concurrently and in any order; prepending each would put a newer chunk before an older one
   * and the cap would then evict newer records first.
   */
  private putBack(chunk: readonly ApiCostInput[]): void {
    // Records decoded from the retry list have no age: they were generated before anything still
    // in memory was flushed, so they count as the oldest.
    const ageOf = (r: ApiCostInput): number => this.age.get(r) ?? 0;
    const merged: ApiCostInput[] = [];
    let i = 0;
    let j = 0;
    while (i < chunk.length || j < this.buffer.length) {
      const a = chunk[i];
      const b = this.buffer[j];
      if (a !== undefined && (b === undefined || ageOf(a) <= ageOf(b))) {
        merged.push(a);
        i += 1;
      } else if (b !== undefined) {
        merged.push(b);
        j += 1;
      }
    }
    this.buffer = merged;
    this.capBuffer();
  }

  /** bo1's queue-depth alert and has_untracked_costs flag; best effort. */
  private async afterQueued(chunk: readonly ApiCostInput[]): Promise<void> {
    const depth = await this.o.redis.llen(this.key).catch(() => 0);
    if (depth > this.c.retryAlertThreshold) this.log.warn({ depth }, 'cost retry queue above alert threshold');
    await this.o.onQueued?.(sessionsOf(chunk)).catch(() => undefined);
  }

  /** Drops the oldest records beyond maxBufferSize (§5.2 double-failure path). */
  private capBuffer(): void {
    const excess = this.buffer.length - this.c.maxBufferSize;
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    this.n.evicted += excess;
    this.log.error({ evicted: excess }, 'cost records evicted: database and Redis both unavailable');
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.listTail.then(fn);
    this.listTail = run.catch(() => undefined);
    return run;
  }

  private async drainLoop(): Promise<number> {
    let confirmed = 0;
    let reconciled = false;
    const drained = new Set<string>();
    for (;;) {
      const raw = await this.o.redis.lpop(this.key, this.c.drainBatchSize);
      if (raw === null || raw.length === 0) {
        // An empty list with own records still expected means Redis lost them: restore or count
        // them, and drain what was restored once more.
        if (!reconciled && this.queued.size > 0) {
          reconciled = true;
          if ((await this.settleMissing(this.queued.ids())) > 0) continue;
        }
        await this.clearUntracked(drained);
        return confirmed;
      }
      const records = raw.map(decodeRecord).filter((r): r is ApiCostInput => r !== undefined);
      const own = records.filter((r) => this.queued.take(r.requestId) !== undefined);
      this.drainingOwn += own.length;
      try {
        await this.o.repository.insertBatch(
          records.map((r) => ({ ...r, status: 'retry', metadata: { ...r.metadata, retry_source: 'cost_retry_job' } })),
        );
        const inserted = own.length;
        this.n.persisted += inserted;
        this.n.foreignDrained += records.length - own.length;
        confirmed += records.length;
        for (const id of sessionsOf(records)) drained.add(id);
        this.o.onPersisted?.(sessionsOf(records));
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'cost retry drain failed; requeueing');
        try {
          await this.o.redis.rpush(this.key, ...raw);
          this.queued.add(own);
        } catch {
          this.degraded = true;
          this.putBack(own);
        }
        return confirmed;
      } finally {
        this.drainingOwn -= own.length;
      }
    }
  }

  private async reconcile(): Promise<void> {
    if (this.queued.size === 0) return;
    // LLEN first: the whole list is read only when it is shorter than what we put there.
    const depth = await this.o.redis.llen(this.key);
    if (depth >= this.queued.size) return;
    const raw = await this.o.redis.lrange(this.key, 0, -1);
    const present = new Set(raw.map(decodeRecord).flatMap((r) => (r === undefined ? [] : [r.requestId])));
    await this.settleMissing(this.queued.ids().filter((id) => !present.has(id)));
  }

  /** Missing own records: re-pushed from the shadow (returns how many) or counted as lost. */
  private async settleMissing(ids: readonly string[]): Promise<number> {
    const restore: ApiCostInput[] = [];
    let lost = 0;
    for (const id of ids) {
      const e = this.queued.take(id);
      if (e === undefined) continue;
      if (e.record !== undefined) {
        restore.push(e.record);
        continue;
      }
      lost += 1;
      if (e.sessionId !== null) this.sessionsWithLoss.add(e.sessionId);
    }
    this.n.lostInRetryQueue += lost;
    if (lost > 0) this.log.error({ lost }, 'cost records lost from the Redis retry list (Redis restarted without them)');
    if (restore.length === 0) return 0;
    // Counted as queued while the push is in flight: they are on their way back to the list.
    this.queued.add(restore);
    try {
      await this.o.redis.rpush(this.key, ...restore.map(encodeRecord));
      this.log.warn({ restored: restore.length }, 'cost records missing from the Redis retry list pushed again from memory');
      return restore.length;
    } catch {
      for (const r of restore) this.queued.take(r.requestId);
      this.degraded = true;
      this.putBack(restore);
      return 0;
    }
  }

  /** bo1's drain job clears has_untracked_costs for sessions with nothing left in the list (§5.2). */
  private async clearUntracked(drained: ReadonlySet<string>): Promise<void> {
    if (this.o.onDrained === undefined || drained.size === 0) return;
    const waiting = this.queued.sessions();
    const ids = [...drained].filter((id) => !waiting.has(id) && !this.sessionsWithLoss.has(id));
    if (ids.length > 0) await this.o.onDrained(ids).catch(() => undefined);
  }
}
