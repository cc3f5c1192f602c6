import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/support/index.js';
import { seedDatabase, seededApiToken, tokenSha256, type SeedResult } from './index.js';
import { queryOne } from './internal/test-helpers.js';

const AUDITED = [
  'users',
  'user_context',
  'sessions',
  'session_tasks',
  'session_events',
  'api_costs',
  'contributions',
  'actions',
  'tags',
  'action_tags',
  'session_clarifications',
  'research_cache',
];

/** Rows that break a rule; every rule must hold for all rows. */
const VIOLATIONS: Record<string, string> = {
  contribution_count: `SELECT count(*) AS n FROM sessions s WHERE contribution_count <> (SELECT count(*) FROM contributions c WHERE c.session_id = s.id)
                         OR contribution_count <> (SELECT count(*) FROM session_events e WHERE e.session_id = s.id AND e.event_type = 'contribution')`,
  expert_count: `SELECT count(*) AS n FROM sessions s WHERE expert_count <> (SELECT count(*) FROM session_events e WHERE e.session_id = s.id AND e.event_type = 'persona_selected')`,
  focus_area_count: `SELECT count(*) AS n FROM sessions s WHERE focus_area_count <> (SELECT count(*) FROM session_events e WHERE e.session_id = s.id AND e.event_type = 'subproblem_started')`,
  total_cost: `SELECT count(*) AS n FROM sessions s LEFT JOIN (SELECT session_id, round(sum(total_cost), 4) AS c, sum(total_tokens) AS t FROM api_costs GROUP BY session_id) a ON a.session_id = s.id
                WHERE s.total_cost <> coalesce(a.c, 0) OR s.total_tokens <> coalesce(a.t, 0)`,
  task_count: `SELECT count(*) AS n FROM sessions s LEFT JOIN session_tasks t ON t.session_id = s.id
                WHERE s.task_count <> coalesce(t.total_tasks, 0) OR s.task_count <> (SELECT count(*) FROM actions a WHERE a.source_session_id = s.id AND a.parent_action_id IS NULL)`,
  event_lifetime: `SELECT count(*) AS n FROM session_events e JOIN sessions s ON s.id = e.session_id WHERE e.created_at < s.created_at OR e.created_at > s.updated_at`,
  cost_lifetime: `SELECT count(*) AS n FROM api_costs c JOIN sessions s ON s.id = c.session_id WHERE c.created_at < s.created_at OR c.created_at > s.updated_at`,
  contribution_lifetime: `SELECT count(*) AS n FROM contributions c JOIN sessions s ON s.id = c.session_id WHERE c.created_at < s.created_at OR c.created_at > s.updated_at`,
  event_sequence: `SELECT count(*) AS n FROM (SELECT session_id FROM session_events GROUP BY session_id HAVING max(sequence) <> count(*) OR min(sequence) <> 1) x`,
  tag_owner: `SELECT count(*) AS n FROM action_tags at JOIN actions a ON a.id = at.action_id JOIN tags t ON t.id = at.tag_id WHERE t.user_id <> a.user_id`,
  tags_per_action: `SELECT count(*) AS n FROM (SELECT action_id FROM action_tags GROUP BY action_id HAVING count(*) > 4) x`,
  cost_parts: `SELECT count(*) AS n FROM api_costs WHERE total_cost <> input_cost + output_cost + cache_write_cost + cache_read_cost OR cache_hit <> (cache_read_tokens > 0)`,
  orphan_events: `SELECT count(*) AS n FROM session_events e WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = e.session_id)`,
};

describe('seed consistency (ci profile)', () => {
  let db: TestDatabase;
  let result: SeedResult;
  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'seed_ci' });
    result = await seedDatabase({ databaseUrl: db.url, profile: 'ci' });
  }, 240_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('holds at least 10,000 rows in every audited table', async () => {
    for (const table of AUDITED) {
      const { n } = await queryOne<{ n: string }>(db.url, `SELECT count(*) AS n FROM ${table}`);
      expect(Number(n), table).toBeGreaterThanOrEqual(10_000);
      expect(result.tables.find((t) => t.table === table)?.rows, table).toBe(Number(n));
    }
  });

  it.each(Object.keys(VIOLATIONS))('keeps %s consistent with the rows', async (rule) => {
    const { n } = await queryOne<{ n: string }>(db.url, VIOLATIONS[rule] as string);
    expect(Number(n)).toBe(0);
  });

  it('spreads rows over several monthly partitions, mostly in the past of the reference date', async () => {
    const { months, past } = await queryOne<{ months: string; past: string }>(
      db.url,
      `SELECT count(DISTINCT date_trunc('month', created_at)) AS months, avg((created_at < $1::timestamptz)::int) AS past FROM session_events`,
      [result.referenceDate],
    );
    expect(Number(months)).toBeGreaterThanOrEqual(6);
    expect(Number(past)).toBeGreaterThan(0.7);
  });

  it('gives the heaviest user thousands of sessions and a token the api_tokens table maps to them', async () => {
    expect(result.heavyUser.sessions).toBeGreaterThanOrEqual(1_000);
    expect(result.heavyUser.token).toBe(seededApiToken(42, result.heavyUser.id));
    const row = await queryOne<{ user_id: string; n: string }>(
      db.url,
      `SELECT t.user_id, (SELECT count(*) FROM sessions s WHERE s.user_id = t.user_id) AS n FROM api_tokens t WHERE t.token_sha256 = $1`,
      [tokenSha256(result.heavyUser.token)],
    );
    expect(row.user_id).toBe(result.heavyUser.id);
    expect(Number(row.n)).toBe(result.heavyUser.sessions);
  });
});
