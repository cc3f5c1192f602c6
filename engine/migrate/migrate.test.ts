import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/engine-support/index.js';
import { migrate, OPTIMIZATION_NAMES, parseOptimizations } from './index.js';

const RECOMMENDED_INDEXES = [
  'idx_session_events_session_created_covering',
  'idx_api_costs_session_created_covering',
  'idx_sessions_user_created_covering',
  'idx_action_tags_tag_action',
];
const BASELINE_TABLES = [
  'users',
  'sessions',
  'session_tasks',
  'session_events',
  'api_costs',
  'contributions',
  'actions',
  'tags',
  'action_tags',
  'action_dependencies',
  'projects',
  'personas',
  'user_context',
  'session_clarifications',
  'research_cache',
];

async function inspect(
  url: string,
): Promise<{ tables: string[]; indexes: string[]; partitions: Record<string, number>; hasTaskCount: boolean }> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const tables = (
      await client.query<{ relname: string }>(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`)
    ).rows.map((r) => r.relname);
    const indexes = (
      await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
      UNION SELECT c.relname FROM pg_class c WHERE c.relkind = 'I'`)
    ).rows.map((r) => r.indexname);
    const partitions: Record<string, number> = {};
    for (const parent of ['session_events', 'api_costs', 'contributions']) {
      partitions[parent] = Number(
        (await client.query(`SELECT count(*) AS n FROM pg_inherits WHERE inhparent = $1::regclass`, [parent])).rows[0].n,
      );
    }
    const hasTaskCount =
      (await client.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'sessions' AND column_name = 'task_count'`))
        .rowCount === 1;
    return { tables, indexes, partitions, hasTaskCount };
  } finally {
    await client.end();
  }
}

describe('migrate against the real PostgreSQL', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('baseline alone has the audited tables, 13+ partitions each, and none of the recommendations', async () => {
    const db = await createTestDatabase({ prefix: 'mig_none', optimizations: 'none' });
    dbs.push(db);
    const s = await inspect(db.url);
    for (const t of BASELINE_TABLES) expect(s.tables).toContain(t);
    for (const n of Object.values(s.partitions)) expect(n).toBeGreaterThanOrEqual(13);
    for (const idx of RECOMMENDED_INDEXES) expect(s.indexes).not.toContain(idx);
    expect(s.hasTaskCount).toBe(false);
  });

  it('all optimisations add the four indexes and task_count; a second run applies nothing', async () => {
    const db = await createTestDatabase({ prefix: 'mig_all', optimizations: 'all' });
    dbs.push(db);
    const s = await inspect(db.url);
    for (const idx of RECOMMENDED_INDEXES) expect(s.indexes).toContain(idx);
    expect(s.hasTaskCount).toBe(true);
    const again = await migrate({ databaseUrl: db.url, optimizations: OPTIMIZATION_NAMES });
    expect(again.applied).toEqual([]);
  });

  it.each(OPTIMIZATION_NAMES.map((n) => [n]))('optimisation %s applies on its own on top of the baseline', async (name) => {
    const db = await createTestDatabase({ prefix: 'mig_one', optimizations: [name] });
    dbs.push(db);
    const report = await migrate({ databaseUrl: db.url, optimizations: [name] });
    expect(report.applied).toEqual([]);
    const s = await inspect(db.url);
    expect(s.hasTaskCount).toBe(name === 'task-count');
  });

  it('task_count follows session_tasks through the trigger', async () => {
    const db = dbs[1]!;
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(`INSERT INTO users (id, email) VALUES ('u1', 'u1@example.test')`);
      await client.query(`INSERT INTO sessions (id, user_id, problem_statement) VALUES ('bo1_s1', 'u1', 'p')`);
      await client.query(`INSERT INTO session_tasks (session_id, user_id, tasks, total_tasks) VALUES ('bo1_s1', 'u1', '[]', 7)`);
      expect((await client.query(`SELECT task_count FROM sessions WHERE id = 'bo1_s1'`)).rows[0].task_count).toBe(7);
      await client.query(`DELETE FROM session_tasks WHERE session_id = 'bo1_s1'`);
      expect((await client.query(`SELECT task_count FROM sessions WHERE id = 'bo1_s1'`)).rows[0].task_count).toBe(0);
      // bo1's default status violated its own CHECK; loadlab's default is 'created' (docs/schema-deviations.md).
      expect((await client.query(`SELECT status FROM sessions WHERE id = 'bo1_s1'`)).rows[0].status).toBe('created');
    } finally {
      await client.end();
    }
  });

  it('a changed migration file is refused by its checksum', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const db = await createTestDatabase({ prefix: 'mig_sum', optimizations: 'none' });
    dbs.push(db);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-mig-'));
    fs.cpSync(new URL('../../migrations', import.meta.url).pathname, dir, { recursive: true });
    fs.appendFileSync(path.join(dir, 'baseline', '004.do.actions-and-tags.sql'), '\n-- edited\n');
    await expect(migrate({ databaseUrl: db.url, optimizations: [], migrationsDir: dir })).rejects.toMatchObject({
      code: 'LL_MIGRATION_CHECKSUM',
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('parseOptimizations', () => {
  it('accepts all, none and lists, and names the valid ones for unknown input', () => {
    expect(parseOptimizations('all')).toEqual(OPTIMIZATION_NAMES);
    expect(parseOptimizations('none')).toEqual([]);
    expect(parseOptimizations('task-count, action-tags-tag-action')).toEqual(['task-count', 'action-tags-tag-action']);
    expect(() => parseOptimizations('task-count,nope')).toThrowError(/unknown optimization "nope"/);
    try {
      parseOptimizations('nope');
    } catch (err) {
      expect((err as { hint: string }).hint).toContain('sessions-covering');
      expect((err as { kind: string }).kind).toBe('usage');
    }
  });
});
