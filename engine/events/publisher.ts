import type { Clock } from '../clock/index.js';
import type { EngineConfig } from '../config/index.js';
import type { SessionEventRepository } from '../db/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { EventBatcher } from './batcher.js';
import { eventKeys, type EventEnvelope } from './envelope.js';
import type { EventPublishRedis } from './ports.js';

export interface EventPublisherOptions {
  redis: EventPublishRedis;
  repository: SessionEventRepository;
  config: EngineConfig['events'];
  redisKeyPrefix?: string;
  logger?: Logger;
  /** The batcher's window, retry delay and drain deadline; the system's unless a test passes a manual clock. */
  clock?: Clock;
}

/** Counters of one publisher; when idle and healthy, emitted == persisted. */
export interface EventCounters {
  emitted: number;
  persisted: number;
  /** Reached Redis (history + pub/sub). */
  published: number;
  redisFailures: number;
  /**
   * Lost: with dropEventsOnRedisFailure (the audited behaviour, §7.1), or beyond
   * events.maxPendingEvents while PostgreSQL is down. emitted = persisted + backlog + dropped.
   */
  dropped: number;
  persistFailures: number;
  /** Accepted but not yet confirmed in PostgreSQL. */
  backlog: number;
}

/**
 * EventPublisher (§7.1). Sequence numbers are per session and kept in memory; the same number is
 * written to session_events.sequence. (bo1's batcher wrote its own process-wide counter there
 * and kept the real one only in data.sequence, §7.2: not reproduced, so replay and polling can
 * use the column and its (session_id, sequence) index.)
 */
export class EventPublisher {
  private readonly sequences = new Map<string, number>();
  private readonly users = new Map<string, string>();
  private readonly batcher: EventBatcher;
  private readonly prefix: string;
  private readonly log: Logger;
  private n = { emitted: 0, published: 0, redisFailures: 0, dropped: 0 };

  constructor(private readonly o: EventPublisherOptions) {
    this.prefix = o.redisKeyPrefix ?? '';
    this.log = o.logger ?? silentLogger();
    this.batcher = new EventBatcher(o.repository, o.config, this.log, o.clock);
  }

  /** Remembers a session's user so inserts need no sub-select (bo1's cached-user_id INSERT variant). */
  registerSession(sessionId: string, userId: string): void {
    this.users.set(sessionId, userId);
  }

  /** The session's last sequence number (0 before its first event in this process). */
  currentSequence(sessionId: string): number {
    return this.sequences.get(sessionId) ?? 0;
  }

  /**
   * Continues a session's numbering after `sequence` (a resume in a new process: the dead one's
   * numbers are in Redis and PostgreSQL, and must never be issued again). Never moves it back.
   */
  seedSequence(sessionId: string, sequence: number): void {
    this.sequences.set(sessionId, Math.max(sequence, this.sequences.get(sessionId) ?? 0));
  }

  /** Releases per-session memory once a session is over (its sequence restarts if reused). */
  forgetSession(sessionId: string): void {
    this.sequences.delete(sessionId);
    this.users.delete(sessionId);
  }

  /**
   * Emits one event: Redis RPUSH events_history + EXPIRE + PUBLISH, then batched persistence.
   * Resolves once the Redis step is done (or failed); persistence completes asynchronously
   * (see flush()). Never rejects for Redis or PostgreSQL trouble.
   */
  async publish(sessionId: string, eventType: string, data: unknown, options: { requestId?: string } = {}): Promise<EventEnvelope> {
    const sequence = (this.sequences.get(sessionId) ?? 0) + 1;
    this.sequences.set(sessionId, sequence);
    // Wall time, not the clock's: it becomes the row's created_at, which picks the partition (a
    // manual clock's 1970 would have none), as cost records and session statuses do.
    const now = new Date();
    const envelope: EventEnvelope = {
      event_type: eventType,
      session_id: sessionId,
      sequence,
      timestamp: now.toISOString(),
      data,
      ...(options.requestId === undefined ? {} : { request_id: options.requestId }),
    };
    this.n.emitted += 1;
    const json = JSON.stringify(envelope);
    const keys = eventKeys(this.prefix, sessionId);
    try {
      const results = await this.o.redis
        .pipeline()
        .rpush(keys.history, json)
        .expire(keys.history, this.o.config.historyTtlSeconds)
        .publish(keys.channel, json)
        .exec();
      const failed = results?.find(([err]) => err !== null);
      if (results === null || failed !== undefined) throw failed?.[0] ?? new Error('pipeline aborted');
      this.n.published += 1;
    } catch (err) {
      this.n.redisFailures += 1;
      if (this.o.config.dropEventsOnRedisFailure) {
        this.n.dropped += 1;
        this.log.warn({ sessionId, eventType, err: (err as Error).message }, 'event dropped (dropEventsOnRedisFailure)');
        return envelope;
      }
    }
    const userId = this.users.get(sessionId);
    this.batcher.add({ sessionId, eventType, sequence, data: envelope, json, createdAt: now, ...(userId === undefined ? {} : { userId }) });
    return envelope;
  }

  /**
   * Writes what is buffered now and waits for the writes queued so far (confirmed, or re-queued on
   * failure). Unlike flush() it does not wait for events published meanwhile by other sessions,
   * so a session ending under load is not held until the whole engine is idle.
   */
  async flushNow(): Promise<void> {
    await this.batcher.flush();
  }

  /** Writes buffered events and waits until PostgreSQL confirmed them (retries included, ≤ deadline). */
  async flush(deadlineMs = 10_000): Promise<void> {
    await this.batcher.drain(deadlineMs);
  }

  counters(): EventCounters {
    return {
      ...this.n,
      dropped: this.n.dropped + this.batcher.dropped,
      persisted: this.batcher.persisted,
      persistFailures: this.batcher.failures,
      backlog: this.batcher.backlog,
    };
  }

  /** Flushes and stops timers. */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    this.batcher.close();
  }
}
