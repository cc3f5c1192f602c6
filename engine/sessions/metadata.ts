import type { SessionRepository, SessionStatus } from '../db/index.js';
import type { Logger } from '../log/index.js';

/** The terminal-status cleanup: one EXPIRE per session key, sent together. */
export interface SessionMetadataPipeline {
  expire(key: string, seconds: number): SessionMetadataPipeline;
  exec(): Promise<unknown>;
}

/**
 * The Redis commands the session status writer uses (`metadata:{id}` and the terminal cleanup).
 * A port, so a test passes a plain object; ioredis' `Redis` fits it (the engine passes its client).
 */
export interface SessionMetadataRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, expiry: 'EX', seconds: number): Promise<unknown>;
  pipeline(): SessionMetadataPipeline;
}

/** Session statuses after which Redis keys get the short cleanup TTL (§6). */
export const TERMINAL_STATUSES: ReadonlySet<SessionStatus> = new Set(['completed', 'failed', 'killed', 'evicted']);

/** Writes one status to Redis `metadata:{id}` and to PostgreSQL, each best effort and logged. */
export class StatusWriter {
  /** Per-session tail of the write chain: a session's statuses land in the order they were written. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly redis: SessionMetadataRedis,
    private readonly sessions: SessionRepository,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly cleanupSeconds: number,
    private readonly log: Logger,
  ) {}

  /**
   * bo1 wrote `evicting`/`evicted` to Redis only (its CHECK rejected them in PostgreSQL, §6); the
   * loadlab schema admits both, so the two stores stay consistent.
   */
  write(
    sessionId: string,
    userId: string,
    status: SessionStatus,
    extra: { killedBy?: string; killReason?: string; evictedBy?: string } = {},
  ): Promise<void> {
    // Without ordering, a slow `running` write (say, waiting for a new pool connection) could land
    // after the `evicting` written a moment later and leave the two stores disagreeing.
    const previous = this.chains.get(sessionId) ?? Promise.resolve();
    const next = previous.then(() => this.writeNow(sessionId, userId, status, extra));
    this.chains.set(sessionId, next);
    void next.then(() => {
      if (this.chains.get(sessionId) === next) this.chains.delete(sessionId);
    });
    return next;
  }

  private async writeNow(
    sessionId: string,
    userId: string,
    status: SessionStatus,
    extra: { killedBy?: string; killReason?: string; evictedBy?: string },
  ): Promise<void> {
    const at = new Date().toISOString();
    const meta = {
      session_id: sessionId,
      user_id: userId,
      status,
      [`${status === 'running' ? 'started' : status}_at`]: at,
      updated_at: at,
      ...extra,
    };
    const key = `${this.prefix}metadata:${sessionId}`;
    await Promise.all([
      this.redis
        .get(key)
        .then((old) =>
          this.redis.set(key, JSON.stringify({ ...(old === null ? {} : (JSON.parse(old) as object)), ...meta }), 'EX', this.ttlSeconds),
        )
        .then(() => (TERMINAL_STATUSES.has(status) ? this.expireTerminal(sessionId) : undefined))
        .catch((err: unknown) => this.log.warn({ sessionId, status, err: (err as Error).message }, 'redis metadata write failed')),
      this.sessions
        .updateStatus(sessionId, status, {
          ...(extra.killedBy === undefined ? {} : { killedBy: extra.killedBy }),
          ...(extra.killReason === undefined ? {} : { killReason: extra.killReason }),
        })
        .catch((err: unknown) => this.log.warn({ sessionId, status, err: (err as Error).message }, 'postgres status write failed')),
    ]);
  }

  async read(sessionId: string): Promise<Record<string, unknown> | undefined> {
    const raw = await this.redis.get(`${this.prefix}metadata:${sessionId}`);
    return raw === null ? undefined : (JSON.parse(raw) as Record<string, unknown>);
  }

  private async expireTerminal(sessionId: string): Promise<void> {
    const p = this.prefix;
    await this.redis
      .pipeline()
      .expire(`${p}session:${sessionId}`, this.cleanupSeconds)
      .expire(`${p}metadata:${sessionId}`, this.cleanupSeconds)
      .expire(`${p}events_history:${sessionId}`, this.cleanupSeconds)
      .exec();
  }
}
