import type { Redis } from 'ioredis';
import type { Db, SessionRow } from '../../db/index.js';
import type { Logger } from '../../log/index.js';
import type { ApiMetrics } from '../metrics.js';
import { sessionMetadataRow } from './queries.js';

/** Live fields bo1 overlays on each listed session (§2.1 load_metadata). */
export interface SessionMeta {
  status: string;
  /** Absent when the writer (the SessionManager writes status only) did not record it. */
  phase: string | undefined;
  total_cost: number | undefined;
}

// Statuses that never change again: only these are re-cached, so a cached entry cannot go stale
// (bo1 re-cached any status for 1 h, which could show a finished session as running).
const TERMINAL = new Set(['completed', 'failed', 'killed', 'deleted', 'terminated', 'evicted']);

function parseMeta(raw: string | null): SessionMeta | undefined {
  if (raw === null) return undefined;
  try {
    const o = JSON.parse(raw) as Partial<Record<keyof SessionMeta, unknown>>;
    if (typeof o.status !== 'string') return undefined;
    const cost = Number(o.total_cost);
    return { status: o.status, phase: typeof o.phase === 'string' ? o.phase : undefined, total_cost: o.total_cost === undefined || !Number.isFinite(cost) ? undefined : cost };
  } catch {
    return undefined;
  }
}

/**
 * Redis `metadata:{session_id}` overlay of the session listing. `loadEach` is the audited shape:
 * one GET per session and, on a miss, one PostgreSQL get_metadata plus a SETEX (N+1 on Redis and
 * on PostgreSQL). `loadBatch` is one MGET for the page; misses keep the row just read from
 * PostgreSQL, which is the same data.
 */
export class SessionMetadata {
  constructor(
    private readonly redis: Redis, private readonly db: Db, private readonly prefix: string,
    private readonly recacheTtlSeconds: number, private readonly metrics: ApiMetrics, private readonly log: Logger,
  ) {}

  private key(id: string): string {
    return `${this.prefix}metadata:${id}`;
  }

  async loadEach(rows: readonly SessionRow[]): Promise<Map<string, SessionMeta>> {
    const out = new Map<string, SessionMeta>();
    // Sequential on purpose: bo1 awaited load_metadata inside the loop.
    for (const row of rows) {
      const meta = await this.loadOne(row.id);
      if (meta !== undefined) out.set(row.id, meta);
    }
    return out;
  }

  async loadBatch(rows: readonly SessionRow[]): Promise<Map<string, SessionMeta>> {
    const out = new Map<string, SessionMeta>();
    if (rows.length === 0 || this.redis.status !== 'ready') return out;
    try {
      const raws = await this.redis.mget(rows.map((r) => this.key(r.id)));
      rows.forEach((row, i) => {
        const meta = parseMeta(raws[i] ?? null);
        if (meta !== undefined) out.set(row.id, meta);
      });
      this.metrics.cache('session_metadata', true, out.size);
      this.metrics.cache('session_metadata', false, rows.length - out.size);
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'metadata MGET failed; using PostgreSQL rows');
    }
    return out;
  }

  private async loadOne(id: string): Promise<SessionMeta | undefined> {
    let redisUp = this.redis.status === 'ready';
    if (redisUp) {
      try {
        const meta = parseMeta(await this.redis.get(this.key(id)));
        this.metrics.cache('session_metadata', meta !== undefined);
        if (meta !== undefined) return meta;
      } catch {
        redisUp = false;
      }
    }
    const row = await sessionMetadataRow(this.db, id);
    if (row === undefined) return undefined;
    const meta: SessionMeta = { status: row.status, phase: row.phase, total_cost: Number(row.total_cost) };
    if (redisUp && TERMINAL.has(meta.status)) {
      await this.redis.setex(this.key(id), this.recacheTtlSeconds, JSON.stringify(meta)).catch(() => undefined);
    }
    return meta;
  }
}
