import { systemClock, type Clock } from '../clock/index.js';
import type { EngineConfig } from '../config/index.js';
import type { SessionRepository } from '../db/index.js';
import { ENGINE_ERRORS, LoadlabError } from '../errors/index.js';
import { silentLogger, type Logger } from '../log/index.js';
import { StatusWriter, type SessionMetadataRedis } from './metadata.js';

/** The work of one session (the deliberation). Must stop soon after `signal` aborts. */
export type SessionTask = (signal: AbortSignal) => Promise<{ status?: 'completed' | 'failed' | 'paused' } | void>;

/** Where eviction warnings and error events go (an EventPublisher fits). */
export interface SessionEventSink {
  publish(sessionId: string, eventType: string, data: unknown): Promise<unknown>;
}

export type SessionEndStatus = 'completed' | 'failed' | 'paused' | 'killed' | 'evicted';

export interface SessionResult {
  sessionId: string;
  status: SessionEndStatus;
  durationMs: number;
  error?: string;
}

export interface SessionHandle {
  sessionId: string;
  /** Settles when the task ends (never rejects). */
  done: Promise<SessionResult>;
}

export interface SessionManagerOptions {
  config: EngineConfig['sessions'];
  /** Session metadata (`metadata:{id}`) and its cleanup on a terminal status. */
  redis: SessionMetadataRedis;
  sessions: SessionRepository;
  events?: SessionEventSink;
  redisKeyPrefix?: string;
  logger?: Logger;
  /** Start times, durations and the eviction grace period; the system's unless a test passes a manual clock. */
  clock?: Clock;
}

interface Active {
  userId: string;
  startedAt: number;
  controller: AbortController;
  done: Promise<SessionResult>;
  /** Set when a kill or eviction decided the end status. */
  endedBy?: 'killed' | 'evicted';
  /** Who killed it and why (written with the `killed` status). */
  killedBy?: string;
  killReason?: string;
  evicting: boolean;
}

/** One FIFO eviction, in the order the manager decided it. */
export interface EvictionRecord {
  sessionId: string;
  /** The manager clock's time (epoch ms by default) of the victim's start: FIFO means these are increasing. */
  startedAt: number;
  evictedAt: number;
}

// The eviction log is for harness checks (FIFO order); bounded so a long run keeps flat memory.
const EVICTION_LOG_MAX = 1_000;

export interface SessionManagerStats {
  active: number;
  evicting: number;
  started: number;
  completed: number;
  failed: number;
  killed: number;
  evicted: number;
  /** start() calls queued behind the capacity lock right now, and the most seen at once. */
  waitingStarts: number;
  peakWaitingStarts: number;
}

/**
 * SessionManager (§6): at most `maxConcurrent` sessions; a start beyond that evicts the oldest
 * by start time (FIFO): `eviction_warning` event, status `evicting`, grace period, abort, status
 * `evicted`. With `holdLockDuringGrace` (audited) the whole eviction runs inside the capacity lock,
 * so the triggering start takes ≥ the grace period and every other start queues behind it;
 * without it (optimized) the victim is marked and evicted in the background and the start
 * proceeds at once (capacity is briefly exceeded by sessions in their grace period).
 */
export class SessionManager {
  private readonly active = new Map<string, Active>();
  private lock: Promise<void> = Promise.resolve();
  private readonly status: StatusWriter;
  private readonly log: Logger;
  private closed = false;
  private n = { started: 0, completed: 0, failed: 0, killed: 0, evicted: 0 };
  private waiting = { now: 0, peak: 0 };
  private readonly evictions: EvictionRecord[] = [];
  private readonly clock: Clock;

  constructor(private readonly o: SessionManagerOptions) {
    this.log = o.logger ?? silentLogger();
    this.clock = o.clock ?? systemClock;
    this.status = new StatusWriter(
      o.redis,
      o.sessions,
      o.redisKeyPrefix ?? '',
      o.config.metadataTtlSeconds,
      o.config.terminalCleanupSeconds,
      this.log,
    );
  }

  /** Starts `task` for a session (the row must exist). Resolves once it runs (after any audited eviction wait). */
  async start(sessionId: string, userId: string, task: SessionTask): Promise<SessionHandle> {
    if (this.closed) throw new LoadlabError(ENGINE_ERRORS.SESSION_MANAGER_CLOSED, 'session manager is closed');
    this.waiting.now += 1;
    this.waiting.peak = Math.max(this.waiting.peak, this.waiting.now);
    return this.withLock(async () => {
      this.waiting.now -= 1;
      if (this.active.has(sessionId)) {
        throw new LoadlabError(ENGINE_ERRORS.SESSION_ALREADY_RUNNING, `session ${sessionId} is already running`);
      }
      if (this.countRunning() >= this.o.config.maxConcurrent) {
        const victim = this.oldestRunning();
        if (victim !== undefined) {
          const eviction = this.evict(victim);
          if (this.o.config.holdLockDuringGrace) await eviction;
          else void eviction;
        }
      }
      return this.run(sessionId, userId, task);
    });
  }

  /** Aborts a running session and records `killed` (with who and why). False if not running here. */
  async kill(sessionId: string, options: { killedBy?: string; reason?: string } = {}): Promise<boolean> {
    const a = this.active.get(sessionId);
    if (a === undefined) return false;
    if (a.endedBy === undefined) {
      a.endedBy = 'killed';
      a.killedBy = options.killedBy ?? 'user';
      a.killReason = options.reason ?? 'user request';
    }
    a.controller.abort(new Error('killed'));
    // done settles after the terminal status is written, so callers see it in both stores.
    await a.done;
    return true;
  }

  /** The completion of a running session, or undefined if none. */
  wait(sessionId: string): Promise<SessionResult> | undefined {
    return this.active.get(sessionId)?.done;
  }

  activeIds(): string[] {
    return [...this.active.keys()];
  }

  stats(): SessionManagerStats {
    return {
      active: this.countRunning(),
      evicting: this.active.size - this.countRunning(),
      ...this.n,
      waitingStarts: this.waiting.now,
      peakWaitingStarts: this.waiting.peak,
    };
  }

  /** Evictions in decision order (the last EVICTION_LOG_MAX). */
  evictionLog(): readonly EvictionRecord[] {
    return [...this.evictions];
  }

  /** Redis metadata of a session (undefined when absent or Redis is down). */
  async metadata(sessionId: string): Promise<Record<string, unknown> | undefined> {
    return this.status.read(sessionId).catch(() => undefined);
  }

  /** Refuses new starts, aborts every session and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.active.values()];
    for (const a of all) a.controller.abort(new Error('session manager closed'));
    await Promise.all(all.map((a) => a.done));
  }

  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.lock.then(fn);
    this.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private countRunning(): number {
    let n = 0;
    for (const a of this.active.values()) if (!a.evicting) n += 1;
    return n;
  }

  private oldestRunning(): string | undefined {
    let best: [string, number] | undefined;
    for (const [id, a] of this.active) if (!a.evicting && (best === undefined || a.startedAt < best[1])) best = [id, a.startedAt];
    return best?.[0];
  }

  private async evict(sessionId: string): Promise<void> {
    const a = this.active.get(sessionId);
    if (a === undefined) return;
    a.evicting = true;
    this.evictions.push({ sessionId, startedAt: a.startedAt, evictedAt: this.clock.now() });
    if (this.evictions.length > EVICTION_LOG_MAX) this.evictions.shift();
    const graceMs = this.o.config.gracePeriodMs;
    await this.o.events
      ?.publish(sessionId, 'eviction_warning', {
        reason: 'capacity_eviction',
        grace_period_seconds: graceMs / 1000,
        timestamp: new Date().toISOString(),
      })
      .catch(() => undefined);
    await this.status.write(sessionId, a.userId, 'evicting');
    await this.clock.sleep(graceMs);
    a.endedBy ??= 'evicted';
    a.controller.abort(new Error('evicted'));
    await a.done;
  }

  private run(sessionId: string, userId: string, task: SessionTask): SessionHandle {
    const controller = new AbortController();
    const startedAt = this.clock.now();
    const entry = { userId, startedAt, controller, evicting: false } as Active;
    this.active.set(sessionId, entry);
    this.n.started += 1;
    // Outside the capacity lock: the status write is I/O and must not serialise starts.
    entry.done = (async (): Promise<SessionResult> => {
      await this.status.write(sessionId, userId, 'running');
      let status: SessionEndStatus;
      let error: string | undefined;
      try {
        // Aborted while the running status was written (kill, close): the task never starts.
        controller.signal.throwIfAborted();
        const out = await task(controller.signal);
        status = entry.endedBy ?? out?.status ?? 'completed';
      } catch (err) {
        status = entry.endedBy ?? 'failed';
        if (status === 'failed') {
          error = err instanceof Error ? err.message : String(err);
          await this.o.events?.publish(sessionId, 'error', { error, phase: 'session' }).catch(() => undefined);
        }
      }
      this.active.delete(sessionId);
      this.n[status === 'paused' ? 'completed' : status] += 1;
      // The terminal status is written before done settles: whoever awaits done (kill, eviction,
      // the engine) then finds it in Redis and PostgreSQL.
      if (entry.endedBy === 'killed')
        await this.status.write(sessionId, userId, 'killed', {
          killedBy: entry.killedBy ?? 'user',
          killReason: entry.killReason ?? 'user request',
        });
      else if (entry.endedBy === 'evicted') await this.status.write(sessionId, userId, 'evicted', { evictedBy: 'system' });
      else await this.status.write(sessionId, userId, status === 'paused' ? 'paused' : status);
      return { sessionId, status, durationMs: this.clock.now() - startedAt, ...(error === undefined ? {} : { error }) };
    })();
    return { sessionId, done: entry.done };
  }
}
