import type { Redis } from 'ioredis';
import type { Queryable } from '../db/index.js';
import type { CheckpointPort, DeliberationState, StatePart } from '../deliberation/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import type { CheckpointSettings } from './defaults.js';
import { bytesOf, decode, encodeFull, encodeParts, type CheckpointRecord, type Parts } from './internal/codec.js';
import { MemoryStore, PostgresStore, RedisStore, type CheckpointStore, type StoreKind } from './internal/stores.js';

export interface CheckpointerOptions {
  redis: Redis;
  db: Queryable;
  config: CheckpointSettings;
  redisKeyPrefix?: string;
  /** §8.2: how long the ping at session start may take before the fallback is used. */
  pingTimeoutMs: number;
  /** The session's last event sequence (the EventPublisher's), read when a step ends. */
  sequenceOf: (sessionId: string) => number;
  /** Cost records the session has generated so far. */
  costRecordsOf: (sessionId: string) => number;
  /** Resolves once the session's cost records so far are durable (the journal's appends). */
  costsSettled?: (sessionId: string) => Promise<void>;
  logger?: Logger;
}

/** Checkpoint counters of one engine; bytes are the serialised parts written (keys included). */
export interface CheckpointCounters {
  sessions: number;
  writes: number;
  bytes: number;
  failures: number;
  /** Largest single write, and the largest stored checkpoint of a session (sum of its latest parts). */
  maxWriteBytes: number;
  maxStoredBytes: number;
  /** Sessions by the store chosen at their start. */
  redisSessions: number;
  memorySessions: number;
  postgresSessions: number;
}

interface SessionEntry {
  store: CheckpointStore;
  /** Writes are chained per session: a later step never lands before an earlier one. */
  tail: Promise<void>;
  /** The next write must carry every part (first write, or after a switch of store). */
  needsAll: boolean;
  writes: number;
  bytes: number;
  /** Latest size of each stored part (what the store holds now). */
  partBytes: Map<string, number>;
}

/**
 * Writes a session's deliberation state after every step (§8.2). The store is chosen when the
 * session starts, as bo1's create_checkpointer() did per graph build: Redis if it answers a PING
 * within pingTimeoutMs, else the fallback (process memory audited, PostgreSQL optimized). A write
 * that fails is counted and the session goes on (the next step writes again); the optimized
 * variant moves the session to PostgreSQL after a failed Redis write.
 */
export class Checkpointer implements CheckpointPort {
  private readonly redisStore: RedisStore;
  private readonly memory = new MemoryStore();
  private readonly pg: PostgresStore;
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly log: Logger;
  private n: CheckpointCounters = {
    sessions: 0,
    writes: 0,
    bytes: 0,
    failures: 0,
    maxWriteBytes: 0,
    maxStoredBytes: 0,
    redisSessions: 0,
    memorySessions: 0,
    postgresSessions: 0,
  };

  constructor(private readonly o: CheckpointerOptions) {
    this.log = o.logger ?? silentLogger();
    this.redisStore = new RedisStore(o.redis, o.redisKeyPrefix ?? '', o.config.format);
    this.pg = new PostgresStore(o.db);
  }

  /** Chooses the session's store; call before its first step. Returns the store's kind. */
  async begin(sessionId: string): Promise<StoreKind> {
    const up = await this.ping();
    const store = up ? this.redisStore : this.fallback();
    if (!up) this.log.warn({ sessionId, fallback: store.kind }, 'redis did not answer at session start; checkpoints go to the fallback');
    this.sessions.set(sessionId, { store, tail: Promise.resolve(), needsAll: true, writes: 0, bytes: 0, partBytes: new Map() });
    this.n.sessions += 1;
    this.n[`${store.kind}Sessions`] += 1;
    return store.kind;
  }

  save(sessionId: string, state: DeliberationState, changed: readonly StatePart[]): Promise<void> {
    const entry = this.sessions.get(sessionId);
    if (entry === undefined) return Promise.resolve();
    // Serialised now, before any await: the deliberation keeps mutating `state`.
    const record: CheckpointRecord = {
      state,
      sequence: this.o.sequenceOf(sessionId),
      costRecords: this.o.costRecordsOf(sessionId),
      writtenAt: new Date().toISOString(),
    };
    const full = this.o.config.format === 'full';
    const parts = full ? encodeFull(record) : encodeParts(record, entry.needsAll ? undefined : changed);
    entry.needsAll = false;
    const settled = this.o.costsSettled?.(sessionId) ?? Promise.resolve();
    entry.tail = entry.tail.then(async () => {
      await settled;
      await this.write(sessionId, entry, parts);
    });
    return entry.tail;
  }

  /** The latest checkpoint of a session from any store (Redis, then PostgreSQL, then this process's memory). */
  async load(sessionId: string): Promise<(CheckpointRecord & { store: StoreKind }) | undefined> {
    const stores: CheckpointStore[] = [this.redisStore, ...(this.o.config.fallback === 'postgres' ? [this.pg] : []), this.memory];
    for (const store of stores) {
      const parts = await store.read(sessionId).catch((err: unknown) => {
        this.log.warn({ sessionId, store: store.kind, err: (err as Error).message }, 'checkpoint read failed');
        return undefined;
      });
      const record = parts === undefined ? undefined : decode(parts);
      if (record !== undefined) return { ...record, store: store.kind };
    }
    return undefined;
  }

  /** The session ended: its checkpoint is kept for endedTtlSeconds and this process forgets it. */
  async end(sessionId: string): Promise<void> {
    const entry = this.sessions.get(sessionId);
    if (entry === undefined) return;
    await entry.tail.catch(() => undefined);
    this.sessions.delete(sessionId);
    await entry.store.expire(sessionId, this.o.config.endedTtlSeconds).catch(() => undefined);
  }

  /** Writes and bytes of a running session (undefined once ended). */
  session(sessionId: string): { store: StoreKind; writes: number; bytes: number; storedBytes: number } | undefined {
    const e = this.sessions.get(sessionId);
    return e === undefined ? undefined : { store: e.store.kind, writes: e.writes, bytes: e.bytes, storedBytes: sum(e.partBytes) };
  }

  counters(): CheckpointCounters {
    return { ...this.n };
  }

  private fallback(): CheckpointStore {
    return this.o.config.fallback === 'postgres' ? this.pg : this.memory;
  }

  private async ping(): Promise<boolean> {
    if (this.o.redis.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.o.pingTimeoutMs);
    });
    try {
      return await Promise.race([
        this.o.redis.ping().then(
          () => true,
          () => false,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async write(sessionId: string, entry: SessionEntry, parts: Parts): Promise<void> {
    const size = bytesOf(parts);
    try {
      await entry.store.write(sessionId, parts, this.o.config.ttlSeconds);
    } catch (err) {
      this.n.failures += 1;
      this.log.warn({ sessionId, store: entry.store.kind, err: (err as Error).message }, 'checkpoint write failed');
      // Optimized: the session continues in PostgreSQL; its next write carries every part.
      if (entry.store.kind === 'redis' && this.o.config.fallback === 'postgres') {
        entry.store = this.pg;
        entry.needsAll = true;
        entry.partBytes.clear();
      }
      return;
    }
    entry.writes += 1;
    entry.bytes += size;
    for (const [k, v] of Object.entries(parts)) entry.partBytes.set(k, Buffer.byteLength(k) + Buffer.byteLength(v));
    this.n.writes += 1;
    this.n.bytes += size;
    this.n.maxWriteBytes = Math.max(this.n.maxWriteBytes, size);
    this.n.maxStoredBytes = Math.max(this.n.maxStoredBytes, sum(entry.partBytes));
  }
}

const sum = (m: ReadonlyMap<string, number>): number => {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
};
