import { systemClock, type Clock } from '../clock/index.js';
import type { EngineConfig } from '../config/index.js';
import type { SessionEventRepository } from '../db/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { eventKeys, parseEnvelope, type EventEnvelope } from './envelope.js';
import { OrderedDelivery } from './ordered-delivery.js';
import type { EventHistoryRedis, EventPubSubRedis } from './ports.js';

export type StreamMode = 'redis' | 'polling';

export interface SubscribeOptions {
  /** Deliver only events after this sequence (SSE Last-Event-ID); 0 = from the start. */
  afterSequence?: number;
  onEvent: (event: EventEnvelope) => void;
  /** Told when the stream switches between Redis pub/sub and PostgreSQL polling. */
  onMode?: (mode: StreamMode) => void;
}

export interface Subscription {
  /** Last sequence delivered. */
  readonly lastSequence: number;
  /** Sequences skipped because they were still missing after `gapWaitMaxMs` (never persisted). */
  readonly skipped: number;
  readonly mode: StreamMode;
  close(): Promise<void>;
}

export interface EventSubscriberOptions {
  /** Shared command client (LRANGE for replay). */
  redis: EventHistoryRedis;
  /** Makes a dedicated connection for pub/sub (a subscribed ioredis client can run no other command). */
  createSubscriberClient: () => EventPubSubRedis;
  repository: SessionEventRepository;
  config: EngineConfig['events'];
  redisKeyPrefix?: string;
  logger?: Logger;
  /** The polling interval, the Redis re-check and the gap wait; the system's unless a test passes a manual clock. */
  clock?: Clock;
}

/**
 * The SSE side (§7.3): live events through Redis pub/sub, replay from a sequence out of the Redis
 * history list (PostgreSQL when Redis fails), and, while Redis is down, polling PostgreSQL every
 * `pollingIntervalMs`, re-trying Redis every `redisRecheckIntervalMs`. Delivery is in sequence
 * order, exactly once, without gaps across mode switches (OrderedDelivery).
 */
export class EventSubscriber {
  private readonly log: Logger;
  private readonly clock: Clock;

  constructor(private readonly o: EventSubscriberOptions) {
    this.log = o.logger ?? silentLogger();
    this.clock = o.clock ?? systemClock;
  }

  subscribe(sessionId: string, options: SubscribeOptions): Subscription {
    return new LiveSubscription(this.o, this.log, this.clock, sessionId, options);
  }
}

class LiveSubscription implements Subscription {
  mode: StreamMode = 'polling';
  private sub: EventPubSubRedis | undefined;
  private closed = false;
  /** Cancels the pending poll, if any. */
  private cancelPoll: (() => void) | undefined;
  private lastRedisTry = 0;
  private readonly order: OrderedDelivery;
  private readonly keys: { history: string; channel: string };

  constructor(
    private readonly o: EventSubscriberOptions,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly sessionId: string,
    private readonly opts: SubscribeOptions,
  ) {
    this.keys = eventKeys(o.redisKeyPrefix ?? '', sessionId);
    this.order = new OrderedDelivery({
      afterSequence: opts.afterSequence ?? 0,
      onEvent: (e) => opts.onEvent(e),
      fetchAfter: (after) => this.fetchAfter(after),
      maxWaitMs: o.config.gapWaitMaxMs,
      log,
      clock,
    });
    void this.tryRedis();
  }

  get lastSequence(): number {
    return this.order.lastSequence;
  }

  get skipped(): number {
    return this.order.skipped;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.order.close();
    this.stopPolling();
    this.sub?.disconnect();
    this.sub = undefined;
  }

  private setMode(mode: StreamMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.opts.onMode?.(mode);
  }

  private async tryRedis(): Promise<void> {
    this.lastRedisTry = this.clock.now();
    const sub = this.o.createSubscriberClient();
    try {
      // Live events ahead of what replay has delivered wait in OrderedDelivery, never jump ahead.
      sub.on('message', (_channel: string, message: string) => {
        const e = parseEnvelope(message);
        if (e !== undefined) this.order.offer([e]);
      });
      await waitReady(sub, 2_000);
      await sub.subscribe(this.keys.channel);
      if (this.closed) {
        sub.disconnect();
        return;
      }
      this.sub = sub;
      // Subscribed first, then replay: events published in between arrive live or in the replay.
      await this.replay();
      this.stopPolling();
      this.setMode('redis');
      sub.on('close', () => this.fallBack(sub));
      sub.on('end', () => this.fallBack(sub));
    } catch (err) {
      sub.disconnect();
      if (this.sub === sub) this.sub = undefined;
      this.log.debug({ sessionId: this.sessionId, err: (err as Error).message }, 'redis stream unavailable; polling PostgreSQL');
      this.fallBack(undefined);
    }
  }

  private fallBack(from: EventPubSubRedis | undefined): void {
    if (this.closed || (from !== undefined && from !== this.sub)) return;
    if (this.sub !== undefined) {
      this.sub.disconnect();
      this.sub = undefined;
    }
    this.setMode('polling');
    this.schedulePoll(0);
  }

  private async replay(): Promise<void> {
    const events = await this.fromHistory(this.lastSequence);
    // An expired or never-written history (Redis was down while publishing, or restarted) is
    // completed from PostgreSQL; whatever neither has yet is fetched again by OrderedDelivery.
    if (!events.some((e) => e.sequence === this.lastSequence + 1)) await this.replayFromPostgres();
    this.order.offer(events);
  }

  private async replayFromPostgres(): Promise<void> {
    // The cursor is the last row read, not the last delivered: a hole in PostgreSQL (a batch not
    // written yet) must not make this loop read the same page forever.
    for (let after = this.lastSequence; ;) {
      const rows = await this.o.repository.getEventsAfter(this.sessionId, after, 500);
      this.order.offer(envelopesOf(rows));
      const last = rows.at(-1);
      if (last === undefined || rows.length < 500 || this.closed) return;
      after = last.sequence;
    }
  }

  private async fromHistory(after: number): Promise<EventEnvelope[]> {
    try {
      const raw = await this.o.redis.lrange(this.keys.history, 0, -1);
      return raw.map(parseEnvelope).filter((e): e is EventEnvelope => e !== undefined && e.sequence > after);
    } catch {
      return [];
    }
  }

  /** Gap fill: Redis history, else PostgreSQL (OrderedDelivery retries until the gap is stored). */
  private async fetchAfter(after: number): Promise<EventEnvelope[]> {
    const fromRedis = await this.fromHistory(after);
    if (fromRedis.some((e) => e.sequence === after + 1)) return fromRedis;
    const rows = await this.o.repository.getEventsAfter(this.sessionId, after, 500);
    return [...fromRedis, ...envelopesOf(rows)];
  }

  private schedulePoll(delay: number): void {
    if (this.closed || this.cancelPoll !== undefined) return;
    this.cancelPoll = this.clock.after(delay, () => {
      this.cancelPoll = undefined;
      void this.poll();
    });
  }

  private stopPolling(): void {
    this.cancelPoll?.();
    this.cancelPoll = undefined;
  }

  private async poll(): Promise<void> {
    if (this.closed || this.mode === 'redis') return;
    try {
      const rows = await this.o.repository.getEventsAfter(this.sessionId, this.lastSequence, this.o.config.pollingBatchSize);
      this.order.offer(envelopesOf(rows));
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'event polling failed');
    }
    if (this.clock.now() - this.lastRedisTry >= this.o.config.redisRecheckIntervalMs) {
      void this.tryRedis();
    }
    if (this.mode === 'polling') this.schedulePoll(this.o.config.pollingIntervalMs);
  }
}

function envelopesOf(rows: readonly { data: unknown }[]): EventEnvelope[] {
  return rows.map((r) => parseEnvelope(r.data)).filter((e): e is EventEnvelope => e !== undefined);
}

/**
 * Resolves when the client is ready; rejects on its first error or after `ms` (no offline queue).
 * The timeout is wall time on purpose: it bounds a real connection attempt, not a timing rule, and
 * a manual clock advanced in steps must not fail a connection that is merely still being made.
 */
function waitReady(client: EventPubSubRedis, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', done);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onReady = (): void => done();
    const timer = setTimeout(() => done(new Error('redis not ready')), ms);
    client.once('ready', onReady);
    client.once('error', done);
  });
}
