import type { ReadThroughCache } from '../../cache/index.js';
import type { Db, SessionRow } from '../../db/index.js';
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

function parseMeta(o: Record<string, unknown> | undefined): SessionMeta | undefined {
  if (o === undefined || typeof o.status !== 'string') return undefined;
  const cost = Number(o.total_cost);
  return {
    status: o.status,
    phase: typeof o.phase === 'string' ? o.phase : undefined,
    total_cost: o.total_cost === undefined || !Number.isFinite(cost) ? undefined : cost,
  };
}

/**
 * Redis `metadata:{session_id}` overlay of the session listing, through the engine's session
 * metadata cache (same keys the SessionManager writes; its hit/miss counters and circuit breaker).
 * `loadEach` is the audited shape: one GET per session and, on a miss, one PostgreSQL
 * get_metadata plus a SET (N+1 on Redis and on PostgreSQL). `loadBatch` is one MGET for the page;
 * misses keep the row just read from PostgreSQL, which is the same data.
 */
export class SessionMetadata {
  constructor(
    private readonly cache: ReadThroughCache<Record<string, unknown>>,
    private readonly db: Db,
    private readonly recacheTtlSeconds: number,
    private readonly metrics: ApiMetrics,
  ) {}

  async loadEach(rows: readonly Pick<SessionRow, 'id'>[]): Promise<Map<string, SessionMeta>> {
    const out = new Map<string, SessionMeta>();
    // Sequential on purpose: bo1 awaited load_metadata inside the loop.
    for (const row of rows) {
      const meta = await this.loadOne(row.id);
      if (meta !== undefined) out.set(row.id, meta);
    }
    return out;
  }

  async loadBatch(rows: readonly Pick<SessionRow, 'id'>[]): Promise<Map<string, SessionMeta>> {
    const out = new Map<string, SessionMeta>();
    if (rows.length === 0) return out;
    const hits = await this.cache.getMany(rows.map((r) => r.id));
    for (const [id, raw] of hits) {
      const meta = parseMeta(raw);
      if (meta !== undefined) out.set(id, meta);
    }
    this.metrics.cache('session_metadata', true, out.size);
    this.metrics.cache('session_metadata', false, rows.length - out.size);
    return out;
  }

  private async loadOne(id: string): Promise<SessionMeta | undefined> {
    // `load` runs only on a miss (or with Redis down): that is the API's own hit/miss signal.
    let missed = false;
    const raw = await this.cache.get(
      id,
      async () => {
        missed = true;
        const row = await sessionMetadataRow(this.db, id);
        return row === undefined ? undefined : { status: row.status, phase: row.phase, total_cost: Number(row.total_cost) };
      },
      { store: (v) => typeof v.status === 'string' && TERMINAL.has(v.status), ttlSeconds: this.recacheTtlSeconds },
    );
    this.metrics.cache('session_metadata', !missed);
    return parseMeta(raw);
  }
}
