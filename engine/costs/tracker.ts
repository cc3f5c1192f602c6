import type { Redis } from 'ioredis';
import type { EngineConfig } from '../config/index.js';
import type { ApiCostInput, CostRepository } from '../db/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { buildCostRecord, decodeRecord, encodeRecord, type TrackCallInput } from './record.js';

/** The accounting terms; invariant: generated = persisted + queued + buffered + evicted. */
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
  /** Of `persisted`, how many were already present (a replay after a lost acknowledgement). */
  duplicates: number;
  /** Records of other processes drained from a shared retry list (outside the invariant). */
  foreignDrained: number;
  flushes: number;
  failedFlushes: number;
}

export interface CostTrackerOptions {
  repository: CostRepository;
  redis: Redis;
  config: EngineConfig['costs'];
  redisKeyPrefix?: string;
  logger?: Logger;
  /** Called after a successful flush with the sessions it contained (aggregation-cache invalidation). */
  onPersisted?: (sessionIds: readonly string[]) => void;
  /** Called with sessions whose records went to the retry queue (sets sessions.has_untracked_costs). */
  onQueued?: (sessionIds: readonly string[]) => Promise<void>;
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
  private readonly queuedIds = new Set<string>();
  private drainingOwn = 0;
  private degraded = false;
  private flushing: Promise<void> | undefined;
  private draining: Promise<number> | undefined;
  private lastFlushAt = Date.now();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly key: string;
  private readonly log: Logger;
  private readonly c: EngineConfig['costs'];
  private closed = false;
  private n = { generated: 0, persisted: 0, evicted: 0, duplicates: 0, foreignDrained: 0, flushes: 0, failedFlushes: 0 };

  constructor(private readonly o: CostTrackerOptions) {
    this.c = o.config;
    this.key = `${o.redisKeyPrefix ?? ''}${o.config.retryQueueKey}`;
    this.log = o.logger ?? silentLogger();
    if (this.c.timerFlush) this.every(this.c.flushIntervalMs, () => void this.flushIfDue(true));
    if (this.c.drainLoop) this.every(this.c.drainIntervalMs, () => void this.drainRetryQueue().catch(() => undefined));
  }

  /** Prices and buffers one call attempt; returns the record (request_id, costs). Never throws on I/O. */
  track(input: TrackCallInput): ApiCostInput {
    const record = buildCostRecord(input);
    this.n.generated += 1;
    this.buffer.push(record);
    if (this.degraded) this.capBuffer();
    void this.flushIfDue(false);
    return record;
  }

  /** The accounting terms at this moment. */
  accounting(): CostAccounting {
    return {
      generated: this.n.generated, persisted: this.n.persisted, queued: this.queuedIds.size + this.drainingOwn,
      buffered: this.buffer.length + this.inFlight, evicted: this.n.evicted, duplicates: this.n.duplicates,
      foreignDrained: this.n.foreignDrained, flushes: this.n.flushes, failedFlushes: this.n.failedFlushes,
    };
  }

  /** bo1 get_buffer_stats(). */
  bufferStats(): { bufferSize: number; lastFlushTime: number; secondsSinceFlush: number } {
    return { bufferSize: this.buffer.length, lastFlushTime: this.lastFlushAt, secondsSinceFlush: (Date.now() - this.lastFlushAt) / 1000 };
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
    this.draining ??= this.drainLoop().finally(() => { this.draining = undefined; });
    return this.draining;
  }

  /** Stops the timers, flushes and drains once; records left over stay counted as queued/buffered. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.flush().catch(() => undefined);
    await this.drainRetryQueue().catch(() => undefined);
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  private flushIfDue(fromTimer: boolean): Promise<void> | undefined {
    if (this.flushing !== undefined || this.buffer.length === 0) return undefined;
    const due = this.buffer.length >= this.c.batchSize || fromTimer || Date.now() - this.lastFlushAt >= this.c.flushIntervalMs;
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
    this.lastFlushAt = Date.now();
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
      for (const r of chunk) this.queuedIds.add(r.requestId);
      void this.afterQueued(chunk);
    } catch (err) {
      this.inFlight -= chunk.length;
      this.log.error({ err: (err as Error).message, records: chunk.length }, 'cost retry queue unavailable; keeping records in memory');
      this.degraded = true;
      this.buffer = [...chunk, ...this.buffer];
      this.capBuffer();
    }
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

  private async drainLoop(): Promise<number> {
    let confirmed = 0;
    for (;;) {
      const raw = await this.o.redis.lpop(this.key, this.c.drainBatchSize);
      if (raw === null || raw.length === 0) return confirmed;
      const records = raw.map(decodeRecord).filter((r): r is ApiCostInput => r !== undefined);
      const own = records.filter((r) => this.queuedIds.delete(r.requestId));
      this.drainingOwn += own.length;
      try {
        await this.o.repository.insertBatch(records.map((r) => ({ ...r, status: 'retry', metadata: { ...r.metadata, retry_source: 'cost_retry_job' } })));
        const inserted = own.length;
        this.n.persisted += inserted;
        this.n.foreignDrained += records.length - own.length;
        confirmed += records.length;
        this.o.onPersisted?.(sessionsOf(records));
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'cost retry drain failed; requeueing');
        try {
          await this.o.redis.rpush(this.key, ...raw);
          for (const r of own) this.queuedIds.add(r.requestId);
        } catch {
          this.buffer = [...own, ...this.buffer];
          this.degraded = true;
          this.capBuffer();
        }
        return confirmed;
      } finally {
        this.drainingOwn -= own.length;
      }
    }
  }
}
