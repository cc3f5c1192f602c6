import type { Redis } from 'ioredis';
import type { Queryable } from '../../db/index.js';
import type { CheckpointFormat } from '../defaults.js';
import { FULL_PART, type Parts } from './codec.js';

export type StoreKind = 'redis' | 'memory' | 'postgres';

/** One place checkpoints can live. Writes replace the named parts and reset the expiry. */
export interface CheckpointStore {
  readonly kind: StoreKind;
  write(sessionId: string, parts: Parts, ttlSeconds: number): Promise<void>;
  read(sessionId: string): Promise<Parts | undefined>;
  expire(sessionId: string, ttlSeconds: number): Promise<void>;
}

/** Redis key names, with the engine's key prefix. */
export const checkpointKeys = (prefix: string, sessionId: string): { full: string; parts: string } => ({
  full: `${prefix}checkpoint:${sessionId}`,
  parts: `${prefix}checkpoint_parts:${sessionId}`,
});

/**
 * Redis: the full format is one string rewritten each step (SET EX); the incremental format is a
 * hash whose changed fields are set (HSET + EXPIRE in one MULTI, so a reader never sees a step half written).
 */
export class RedisStore implements CheckpointStore {
  readonly kind = 'redis';
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly format: CheckpointFormat,
  ) {}

  async write(sessionId: string, parts: Parts, ttlSeconds: number): Promise<void> {
    const keys = checkpointKeys(this.prefix, sessionId);
    const full = parts[FULL_PART];
    if (this.format === 'full' && full !== undefined) {
      await this.redis.set(keys.full, full, 'EX', ttlSeconds);
      return;
    }
    const results = await this.redis.multi().hset(keys.parts, parts).expire(keys.parts, ttlSeconds).exec();
    const failed = results?.find(([err]) => err !== null);
    if (results === null || failed !== undefined) throw failed?.[0] ?? new Error('checkpoint MULTI aborted');
  }

  async read(sessionId: string): Promise<Parts | undefined> {
    const keys = checkpointKeys(this.prefix, sessionId);
    const [full, parts] = await Promise.all([this.redis.get(keys.full), this.redis.hgetall(keys.parts)]);
    if (full !== null) return { [FULL_PART]: full };
    return Object.keys(parts).length > 0 ? parts : undefined;
  }

  async expire(sessionId: string, ttlSeconds: number): Promise<void> {
    const keys = checkpointKeys(this.prefix, sessionId);
    await this.redis.multi().expire(keys.full, ttlSeconds).expire(keys.parts, ttlSeconds).exec();
  }
}

/** bo1's MemorySaver fallback (§8.2): gone when the process is. TTLs are not kept: the process ends first. */
export class MemoryStore implements CheckpointStore {
  readonly kind = 'memory';
  private readonly byId = new Map<string, Parts>();

  async write(sessionId: string, parts: Parts): Promise<void> {
    this.byId.set(sessionId, { ...this.byId.get(sessionId), ...parts });
  }

  async read(sessionId: string): Promise<Parts | undefined> {
    return this.byId.get(sessionId);
  }

  async expire(sessionId: string): Promise<void> {
    // The session is over: nothing will resume it from this process's memory.
    this.byId.delete(sessionId);
  }
}

/** The session_checkpoints table (optimizations/007): one row per part, upserted in one statement. */
export class PostgresStore implements CheckpointStore {
  readonly kind = 'postgres';
  constructor(private readonly db: Queryable) {}

  async write(sessionId: string, parts: Parts, ttlSeconds: number): Promise<void> {
    const names = Object.keys(parts);
    await this.db.query(
      `INSERT INTO session_checkpoints (session_id, part, body, updated_at, expires_at)
SELECT $1, p.part, p.body, now(), now() + make_interval(secs => $4) FROM unnest($2::varchar[], $3::text[]) AS p(part, body)
ON CONFLICT (session_id, part) DO UPDATE SET body = EXCLUDED.body, updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at`,
      [sessionId, names, names.map((n) => parts[n]), ttlSeconds],
      { name: 'session_checkpoints.upsert' },
    );
  }

  async read(sessionId: string): Promise<Parts | undefined> {
    const r = await this.db.query<{ part: string; body: string }>(
      'SELECT part, body FROM session_checkpoints WHERE session_id = $1 AND expires_at > now()',
      [sessionId],
      { name: 'session_checkpoints.read' },
    );
    if (r.rows.length === 0) return undefined;
    return Object.fromEntries(r.rows.map((row) => [row.part, row.body]));
  }

  async expire(sessionId: string, ttlSeconds: number): Promise<void> {
    await this.db.query(
      'UPDATE session_checkpoints SET expires_at = now() + make_interval(secs => $2) WHERE session_id = $1',
      [sessionId, ttlSeconds],
      { name: 'session_checkpoints.expire' },
    );
  }
}
