import type pg from 'pg';

/** Realistic parameters drawn from the seeded rows (never invented ids). */
export interface QueryParams {
  /** Users with the most sessions: the listing that hurts. */
  listUsers: string[];
  /** [userId, tagIds] per tag count: tags that occur together on one of the user's actions. */
  tagFilters: Record<1 | 2 | 3, { userId: string; tagIds: string[] }[]>;
  /** Sessions with events in the last 30 days (visible to get_events). */
  eventSessions: string[];
  /** Sessions with cost rows in the last 30 days. */
  costSessions: string[];
}

/** Deterministic order from the run seed, so every variant sees the same parameter sequence. */
const ORDER = (seed: number, col: string): string => `md5(${col}::text || '${Math.trunc(seed)}')`;

export async function drawParams(c: pg.Client, seed: number, sizes: { users: number; samples: number }): Promise<QueryParams> {
  const users = await c.query<{ user_id: string }>(
    'SELECT user_id FROM sessions GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT $1',
    [sizes.users],
  );
  const actionUsers = await c.query<{ user_id: string }>(
    'SELECT user_id FROM actions WHERE deleted_at IS NULL GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT $1',
    [sizes.users],
  );
  const tagFilters: QueryParams['tagFilters'] = { 1: [], 2: [], 3: [] };
  for (const n of [1, 2, 3] as const) {
    const r = await c.query<{ user_id: string; tags: string[] }>(
      `SELECT a.user_id, (array_agg(at.tag_id::text ORDER BY at.tag_id))[1:$2] AS tags
       FROM action_tags at JOIN actions a ON a.id = at.action_id
       WHERE a.user_id = ANY($1) AND a.deleted_at IS NULL
       GROUP BY a.id, a.user_id HAVING count(*) >= $2
       ORDER BY ${ORDER(seed, 'a.id')} LIMIT $3`,
      [actionUsers.rows.map((u) => u.user_id), n, sizes.samples],
    );
    tagFilters[n] = r.rows.map((x) => ({ userId: x.user_id, tagIds: x.tags }));
  }
  const recent = async (table: 'session_events' | 'api_costs'): Promise<string[]> => {
    const r = await c.query<{ session_id: string }>(
      `SELECT session_id FROM (SELECT DISTINCT session_id FROM ${table}
         WHERE created_at >= now() - interval '30 days' AND session_id IS NOT NULL) s
       ORDER BY ${ORDER(seed, 'session_id')} LIMIT $1`,
      [sizes.samples],
    );
    return r.rows.map((x) => x.session_id);
  };
  return {
    listUsers: users.rows.map((u) => u.user_id),
    tagFilters,
    eventSessions: await recent('session_events'),
    costSessions: await recent('api_costs'),
  };
}
