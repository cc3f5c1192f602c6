import type { EventInsertShape } from '../config/index.js';
import type { Queryable } from './db.js';

/** One row to write to session_events; created_at is fixed by the caller so retries are idempotent. */
export interface SessionEventInput {
  sessionId: string;
  eventType: string;
  sequence: number;
  /** The whole published envelope (§1.4). */
  data: unknown;
  /** `data` already serialised (the publisher has it from the Redis step): saves a second JSON.stringify. */
  json?: string;
  /** When absent, the user is sub-selected from sessions (bo1's second INSERT variant, §2.2). */
  userId?: string;
  createdAt: Date;
}

export interface SessionEventRow {
  id: string;
  session_id: string;
  event_type: string;
  sequence: number;
  data: unknown;
  created_at: Date;
}

/** Event types that bump a denormalised session counter in the same transaction (§1.8). */
const COUNTER_OF: Readonly<Record<string, 'expert_count' | 'contribution_count' | 'focus_area_count'>> = {
  persona_selected: 'expert_count',
  contribution: 'contribution_count',
  subproblem_started: 'focus_area_count',
};

const INSERT_ONE = `INSERT INTO session_events (session_id, event_type, sequence, data, user_id, created_at)
VALUES ($1::varchar, $2, $3, $4, COALESCE($5::varchar, (SELECT user_id FROM sessions WHERE id = $1::varchar)), $6)
ON CONFLICT (session_id, sequence, created_at) DO NOTHING RETURNING id`;

const INSERT_MANY = `INSERT INTO session_events (session_id, event_type, sequence, data, user_id, created_at)
SELECT e.session_id, e.event_type, e.sequence, e.data, COALESCE(e.user_id, s.user_id), e.created_at
FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::jsonb[], $5::varchar[], $6::timestamptz[])
  AS e(session_id, event_type, sequence, data, user_id, created_at)
LEFT JOIN sessions s ON s.id = e.session_id AND e.user_id IS NULL
ON CONFLICT (session_id, sequence, created_at) DO NOTHING RETURNING session_id, event_type`;

/**
 * multi_row in one statement (one round trip, atomic without BEGIN/COMMIT): the insert, then the
 * §1.8 counters of the rows actually inserted, one UPDATE row per session (ordered by id so
 * concurrent batches lock sessions in the same order).
 */
const INSERT_MANY_WITH_COUNTERS = `WITH ins AS (${INSERT_MANY}),
per AS (
  SELECT session_id,
    count(*) FILTER (WHERE event_type = 'persona_selected')::int AS experts,
    count(*) FILTER (WHERE event_type = 'contribution')::int AS contributions,
    count(*) FILTER (WHERE event_type = 'subproblem_started')::int AS focus_areas
  FROM ins GROUP BY session_id
),
upd AS (
  UPDATE sessions s SET expert_count = s.expert_count + per.experts, contribution_count = s.contribution_count + per.contributions,
    focus_area_count = s.focus_area_count + per.focus_areas
  FROM (SELECT * FROM per WHERE experts + contributions + focus_areas > 0 ORDER BY session_id) per WHERE s.id = per.session_id
)
SELECT count(*)::int AS inserted FROM ins`;

const jsonOf = (e: SessionEventInput): string => e.json ?? JSON.stringify(e.data);

/**
 * session_events writes and reads (§2.2). `per_row` reproduces psycopg2 executemany (one INSERT
 * per event, then one counter UPDATE per session, in one transaction); `multi_row` sends the batch
 * and the counter updates as one statement. Both: ON CONFLICT DO NOTHING.
 */
export class SessionEventRepository {
  constructor(
    private readonly db: Queryable & { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
    private readonly insertShape: EventInsertShape = 'multi_row',
    private readonly windowDays = 30,
  ) {}

  /** Saves a batch; returns how many rows were newly inserted (replays of saved events count 0). */
  async saveBatch(events: readonly SessionEventInput[]): Promise<number> {
    if (events.length === 0) return 0;
    if (this.insertShape === 'multi_row') {
      const r = await this.db.query<{ inserted: number }>(
        INSERT_MANY_WITH_COUNTERS,
        [
          events.map((e) => e.sessionId),
          events.map((e) => e.eventType),
          events.map((e) => e.sequence),
          events.map(jsonOf),
          events.map((e) => e.userId ?? null),
          events.map((e) => e.createdAt),
        ],
        { name: 'session_events.insert_many' },
      );
      return r.rows[0]?.inserted ?? 0;
    }
    // per_row: psycopg2 executemany, one INSERT per event, counters after, in one transaction.
    return this.db.transaction(async (tx) => {
      const inserted: { session_id: string; event_type: string }[] = [];
      for (const e of events) {
        const r = await tx.query(INSERT_ONE, [e.sessionId, e.eventType, e.sequence, jsonOf(e), e.userId ?? null, e.createdAt], {
          name: 'session_events.insert_one',
        });
        if ((r.rowCount ?? 0) > 0) inserted.push({ session_id: e.sessionId, event_type: e.eventType });
      }
      await this.bumpCounters(tx, inserted);
      return inserted.length;
    });
  }

  /** The highest sequence stored for a session (0 when none): where a resumed session's numbering continues. */
  async maxSequence(sessionId: string): Promise<number> {
    const r = await this.db.query<{ max: number | null }>(
      'SELECT max(sequence) AS max FROM session_events WHERE session_id = $1',
      [sessionId],
      { name: 'session_events.max_sequence' },
    );
    return r.rows[0]?.max ?? 0;
  }

  /** Full history of a session within the 30-day window, by sequence (§2.2 exact shape). */
  async getEvents(sessionId: string): Promise<SessionEventRow[]> {
    const r = await this.db.query<SessionEventRow>(
      `SELECT id, session_id, event_type, sequence, data, created_at FROM session_events
WHERE session_id = $1 AND created_at >= NOW() - INTERVAL '${this.windowDays} days' ORDER BY sequence ASC`,
      [sessionId],
      { name: 'session_events.get_events' },
    );
    return r.rows;
  }

  /** Events after a sequence, for SSE polling; bounded and filtered in SQL (loadlab's fix of §7.3's full re-read). */
  async getEventsAfter(sessionId: string, afterSequence: number, limit: number): Promise<SessionEventRow[]> {
    const r = await this.db.query<SessionEventRow>(
      `SELECT id, session_id, event_type, sequence, data, created_at FROM session_events
WHERE session_id = $1 AND sequence > $2 AND created_at >= NOW() - INTERVAL '${this.windowDays} days' ORDER BY sequence ASC LIMIT $3`,
      [sessionId, afterSequence, limit],
      { name: 'session_events.get_events_after' },
    );
    return r.rows;
  }

  private async bumpCounters(tx: Queryable, inserted: readonly { session_id: string; event_type: string }[]): Promise<void> {
    const per = new Map<string, { expert_count: number; contribution_count: number; focus_area_count: number }>();
    for (const e of inserted) {
      const col = COUNTER_OF[e.event_type];
      if (col === undefined) continue;
      const d = per.get(e.session_id) ?? { expert_count: 0, contribution_count: 0, focus_area_count: 0 };
      d[col] += 1;
      per.set(e.session_id, d);
    }
    for (const [id, d] of per) {
      await tx.query(
        `UPDATE sessions SET expert_count = expert_count + $2, contribution_count = contribution_count + $3,
           focus_area_count = focus_area_count + $4 WHERE id = $1`,
        [id, d.expert_count, d.contribution_count, d.focus_area_count],
        { name: 'sessions.increment_counters' },
      );
    }
  }
}
