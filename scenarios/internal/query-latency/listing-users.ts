import pg from 'pg';

/** One user standing for a listing size: seeded when the seed has one close enough, otherwise synthetic. */
export interface SizedUser {
  /** The size this user stands for (sessions per user). */
  size: number;
  userId: string;
  /** Sessions the user actually owns (every status), and how many of them carry a session_tasks row. */
  sessions: number;
  withTasks: number;
  source: 'seeded' | 'synthetic';
}

/** A seeded user within this factor of a size stands for it (1,124 for 1,000 at ci); beyond it a synthetic one is built. */
export const SEEDED_FACTOR = 1.25;

const SYNTHETIC_PREFIX = 'loadlab-c34-';

/**
 * Sessions to clone, in an order fixed by the run seed. Synthetic users are excluded so the
 * session and session_tasks inserts (two statements) pair the same sources.
 */
const PAIRS = `src AS (
    SELECT id, row_number() OVER (ORDER BY md5(id || $3::text)) - 1 AS k, count(*) OVER () AS n
    FROM sessions WHERE user_id NOT LIKE '${SYNTHETIC_PREFIX}%'),
  pairs AS (
    SELECT 'bo1_' || md5($1::text || ':' || g.i)::uuid AS new_id, src.id AS src_id
    FROM generate_series(0, $2::int - 1) AS g(i) JOIN src ON src.k = g.i % src.n)`;

async function counts(c: pg.Client, userId: string): Promise<{ sessions: number; withTasks: number }> {
  const r = await c.query<{ sessions: number; with_tasks: number }>(
    `SELECT count(*)::int AS sessions, count(st.id)::int AS with_tasks
     FROM sessions s LEFT JOIN session_tasks st ON st.session_id = s.id WHERE s.user_id = $1`,
    [userId],
  );
  const row = r.rows[0];
  return { sessions: row?.sessions ?? 0, withTasks: row?.with_tasks ?? 0 };
}

/**
 * A fresh user owning `size` sessions cloned from seeded ones (their columns and their
 * session_tasks rows as the seed gave them), written identically to every database given. On a
 * database with the task-count migration its trigger fills sessions.task_count from the inserts.
 */
async function synthesize(writable: readonly pg.Client[], size: number, seed: number): Promise<string> {
  const userId = `${SYNTHETIC_PREFIX}${size}`;
  const params = [userId, size, String(Math.trunc(seed))];
  for (const c of writable) {
    await c.query('BEGIN');
    try {
      await c.query('INSERT INTO users (id, email) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [userId, `${userId}@loadlab.invalid`]);
      await c.query(
        `WITH ${PAIRS}
         INSERT INTO sessions (id, user_id, problem_statement, problem_context, status, phase, total_cost, total_tokens,
           round_number, created_at, updated_at, completed_at, synthesis_text, final_recommendation, expert_count,
           contribution_count, focus_area_count)
         SELECT p.new_id, $1, s.problem_statement, s.problem_context, s.status, s.phase, s.total_cost, s.total_tokens,
           s.round_number, s.created_at, s.updated_at, s.completed_at, s.synthesis_text, s.final_recommendation, s.expert_count,
           s.contribution_count, s.focus_area_count
         FROM pairs p JOIN sessions s ON s.id = p.src_id`,
        params,
      );
      await c.query(
        `WITH ${PAIRS}
         INSERT INTO session_tasks (session_id, tasks, total_tasks, extraction_confidence, synthesis_sections_analyzed,
           extracted_at, sub_problem_index, user_id, task_statuses)
         SELECT p.new_id, st.tasks, st.total_tasks, st.extraction_confidence, st.synthesis_sections_analyzed,
           st.extracted_at, st.sub_problem_index, $1, st.task_statuses
         FROM pairs p JOIN session_tasks st ON st.session_id = p.src_id`,
        params,
      );
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
  return userId;
}

/**
 * One user per size. The seed's sessions per user are Zipf-like (at ci the heaviest user has 1,124,
 * others ~100 and ~10), so seeded users are used where one is within SEEDED_FACTOR of the size;
 * the rest are synthesized on the scenario's own clones, then VACUUM (ANALYZE) so the planner and
 * visibility maps see them as autovacuum would.
 */
export async function usersBySize(
  base: pg.Client,
  writable: readonly pg.Client[],
  sizes: readonly number[],
  seed: number,
): Promise<SizedUser[]> {
  const out: SizedUser[] = [];
  let wrote = false;
  for (const size of sizes) {
    const r = await base.query<{ user_id: string; n: number }>(
      `SELECT user_id, count(*)::int AS n FROM sessions WHERE user_id NOT LIKE '${SYNTHETIC_PREFIX}%'
       GROUP BY user_id ORDER BY abs(ln(count(*) / $1::float8)), user_id LIMIT 1`,
      [size],
    );
    const near = r.rows[0];
    const seeded = near !== undefined && near.n >= size / SEEDED_FACTOR && near.n <= size * SEEDED_FACTOR;
    const userId = seeded ? near.user_id : await synthesize(writable, size, seed);
    wrote ||= !seeded;
    out.push({ size, userId, ...(await counts(base, userId)), source: seeded ? 'seeded' : 'synthetic' });
  }
  if (wrote)
    for (const c of writable) for (const t of ['sessions', 'session_tasks']) await c.query(`VACUUM (ANALYZE) ${pg.escapeIdentifier(t)}`);
  return out;
}
