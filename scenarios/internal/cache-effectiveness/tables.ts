import type pg from 'pg';

/** What the seeded database holds for the lookup claims (C35, C37), read once before the engines start. */
export interface SeededTables {
  /** Rows of user_context (one per seeded user): the table C35's lookup reads. */
  userContextRows: number;
  /** Rows of research_cache, and how many carry a question embedding (the similarity lookup needs one). */
  researchRows: number;
  researchRowsWithEmbedding: number;
  /** Mean research_cache.tokens_used of the seeded rows (null when none has it): the seeder's modelled research size. */
  researchTokensMean: number | null;
  /** Distinct user_context owners in a seeded order, for the lookups (at most `samples`). */
  sampleUserIds: string[];
}

/**
 * Row counts and a deterministic sample of users. The sample is ordered by a seeded hash rather
 * than drawn from all ids in memory, so the largest seed profile (1M users) costs one sort here.
 */
export async function readSeededTables(c: pg.Client, o: { samples: number; seed: number }): Promise<SeededTables> {
  const uc = await c.query<{ n: string }>('SELECT count(*) AS n FROM user_context');
  const rc = await c.query<{ n: string; emb: string; tokens: string | null }>(
    'SELECT count(*) AS n, count(question_embedding) AS emb, avg(tokens_used) AS tokens FROM research_cache',
  );
  const ids = await c.query<{ user_id: string }>('SELECT user_id FROM user_context ORDER BY md5(user_id || $1) LIMIT $2', [
    String(o.seed),
    o.samples,
  ]);
  const r = rc.rows[0];
  return {
    userContextRows: Number(uc.rows[0]?.n ?? 0),
    researchRows: Number(r?.n ?? 0),
    researchRowsWithEmbedding: Number(r?.emb ?? 0),
    researchTokensMean: r?.tokens === null || r?.tokens === undefined ? null : Number(r.tokens),
    sampleUserIds: ids.rows.map((x) => x.user_id),
  };
}
