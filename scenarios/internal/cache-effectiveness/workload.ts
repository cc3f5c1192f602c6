import type pg from 'pg';
import { seededRandom } from '../../../engine/random/index.js';

/** The HTTP requests of the dashboard mix (engine API routes) and the cache each one goes through. */
export type RequestKind = 'session_list' | 'session_detail' | 'session_costs' | 'event_history' | 'context_view';

export interface Population {
  /** Users by rank (0 = heaviest), each with their sessions newest first. */
  users: { id: string; sessions: string[] }[];
  /** Sessions still running in the seeded data: their metadata and costs keep changing. */
  live: string[];
  /** Problem statements users ask, by popularity rank (repeat asks can hit the LLM/persona caches). */
  problems: string[];
}

/** The project's one seeded PRNG (engine/random). */
export const rng = seededRandom;

/** Zipf(s) over ranks 0..n-1 by inverse CDF on precomputed weights. */
export function zipf(n: number, s: number): (u: number) => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cdf[r] = sum += (r + 1) ** -s;
  return (u) => {
    const x = u * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export async function loadPopulation(
  c: pg.Client,
  o: { users: number; sessionsPerUser: number; problems: number; problemMaxBytes: number },
): Promise<Population> {
  const r = await c.query<{ user_id: string; ids: string[] }>(
    `SELECT user_id, (array_agg(id ORDER BY created_at DESC))[1:$2] AS ids FROM sessions
     GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT $1`,
    [o.users, o.sessionsPerUser],
  );
  const ids = r.rows.flatMap((x) => x.ids);
  const live = await c.query<{ id: string }>("SELECT id FROM sessions WHERE id = ANY($1) AND status IN ('running', 'paused')", [ids]);
  // Problems the API accepts (POST /sessions caps their UTF-8 length), in a stable order.
  const problems = await c.query<{ p: string }>(
    'SELECT problem_statement AS p FROM sessions WHERE id = ANY($1) AND octet_length(problem_statement) BETWEEN 20 AND $3 ORDER BY md5(id) LIMIT $2',
    [ids, o.problems, o.problemMaxBytes],
  );
  return {
    users: r.rows.map((x) => ({ id: x.user_id, sessions: x.ids })),
    live: live.rows.map((x) => x.id),
    problems: problems.rows.map((x) => x.p),
  };
}

export interface Request {
  kind: RequestKind;
  userId: string;
  sessionId: string;
}

/**
 * The dashboard mix, from bo1's Locust ActiveUser/BrowsingUser weights (§9.1: session list 5,
 * detail 2, costs 1, history 1) plus the context view at the weight of the cost view (loadlab's
 * assumption: bo1's Locust had no context task). SSE status checks are not in it: the engine's
 * stream re-reads a session's status from PostgreSQL, not through the metadata cache.
 */
export const MIX: Readonly<Record<RequestKind, number>> = {
  session_list: 0.5,
  session_detail: 0.2,
  session_costs: 0.1,
  event_history: 0.1,
  context_view: 0.1,
};

/** Zipf-like access: users by rank (s = 1), and within a user their recent sessions first (s = 1.2). */
export function requestStream(pop: Population, seed: number): () => Request {
  const r = rng(seed);
  const user = zipf(pop.users.length, 1);
  const kinds = Object.entries(MIX) as [RequestKind, number][];
  return () => {
    const u = pop.users[user(r())] as Population['users'][number];
    const session = zipf(u.sessions.length, 1.2)(r());
    let x = r();
    let kind: RequestKind = 'session_list';
    for (const [k, w] of kinds) {
      if (x < w) {
        kind = k;
        break;
      }
      x -= w;
    }
    return { kind, userId: u.id, sessionId: u.sessions[session] as string };
  };
}

/** A deliberation someone starts: a user (Zipf s = 1) asking a problem (Zipf s = 1 over the problem pool). */
export function deliberationStream(pop: Population, seed: number): () => { userId: string; problem: string } {
  const r = rng(seed + 1);
  const user = zipf(pop.users.length, 1);
  const problem = zipf(Math.max(1, pop.problems.length), 1);
  return () => ({ userId: (pop.users[user(r())] as Population['users'][number]).id, problem: pop.problems[problem(r())] ?? '' });
}
