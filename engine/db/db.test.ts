import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/engine-support/index.js';
import { costRecord } from './internal/cost-record.js';
import type { Db } from './index.js';
import {
  ActionRepository,
  ContributionRepository,
  CostRepository,
  createDb,
  PersonaRepository,
  SessionEventRepository,
  SessionRepository,
  UserRepository,
  withSpan,
  type QueryTrace,
} from './index.js';

let tdb: TestDatabase;
let db: Db;
const traces: QueryTrace[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: 'db', optimizations: 'all' });
  db = createDb({
    databaseUrl: tdb.url,
    poolMin: 1,
    poolMax: 5,
    connectionTimeoutMs: 2000,
    idleTimeoutMs: 1000,
    statementTimeoutMs: 10_000,
    tracer: (t) => traces.push(t),
  });
});

afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

async function seedUser(id: string): Promise<void> {
  await new UserRepository(db).create({ id, email: `${id}@example.test` });
}

describe('Db', () => {
  it('traces every statement with fingerprint, rows and parent span', async () => {
    traces.length = 0;
    await withSpan('req-1', () => db.query('SELECT 1 AS x WHERE 2 = $1', [2], { name: 'probe' }));
    const t = traces.find((x) => x.name === 'probe');
    expect(t?.fingerprint).toBe('SELECT ? AS x WHERE ? = ?');
    expect(t?.rows).toBe(1);
    expect(t?.parentSpanId).toBe('req-1');
    const m = db.metrics();
    expect(m.acquireWaitMs.count).toBeGreaterThan(0);
    expect(m.max).toBe(5);
  });

  it('reports an unreachable server as LL_DB_UNREACHABLE', async () => {
    const dead = createDb({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/x',
      poolMin: 0,
      poolMax: 1,
      connectionTimeoutMs: 500,
      idleTimeoutMs: 100,
      statementTimeoutMs: 0,
    });
    await expect(dead.query('SELECT 1')).rejects.toMatchObject({ code: 'LL_DB_UNREACHABLE', kind: 'infra' });
    await dead.close();
  });

  it('reports a saturated pool as LL_DB_POOL_TIMEOUT, not as an unreachable server', async () => {
    const one = createDb({
      databaseUrl: tdb.url,
      poolMin: 0,
      poolMax: 1,
      connectionTimeoutMs: 200,
      idleTimeoutMs: 1000,
      statementTimeoutMs: 0,
    });
    const busy = one.query('SELECT pg_sleep(1)');
    await expect(one.query('SELECT 1')).rejects.toMatchObject({ code: 'LL_DB_POOL_TIMEOUT', kind: 'infra' });
    await busy;
    await one.close();
  });
});

describe('repositories: both shapes return the same rows', () => {
  const user = `u_${randomUUID().slice(0, 8)}`;
  const sessionIds: string[] = [];

  beforeAll(async () => {
    await seedUser(user);
    const sessions = new SessionRepository(db);
    for (let i = 0; i < 12; i++) {
      const s = await sessions.create({
        userId: user,
        problemStatement: `p${i}`,
        status: i % 3 === 0 ? 'completed' : 'running',
        createdAt: new Date(Date.now() - i * 60_000),
      });
      sessionIds.push(s.id);
      if (i % 2 === 0) {
        await db.query("INSERT INTO session_tasks (session_id, tasks, total_tasks, user_id) VALUES ($1, '[]', $2, $3)", [
          s.id,
          i + 1,
          user,
        ]);
      }
    }
  });

  it('list_by_user: join vs task_count', async () => {
    const join = await new SessionRepository(db, 'join').listByUser(user, { limit: 10 });
    const tc = await new SessionRepository(db, 'task_count').listByUser(user, { limit: 10 });
    expect(join.length).toBe(10);
    expect(tc).toEqual(join);
    expect(tc[0]?.task_count).toBe(1);
    const filtered = await new SessionRepository(db, 'join').listByUser(user, { statusFilter: 'completed' });
    expect(filtered.every((s) => s.status === 'completed')).toBe(true);
  });

  it('actions by tags: IN subquery vs CTE, AND semantics', async () => {
    const tagA = randomUUID();
    const tagB = randomUUID();
    await db.query('INSERT INTO tags (id, user_id, name) VALUES ($1, $3, $4), ($2, $3, $5)', [tagA, tagB, user, 'a', 'b']);
    const done = sessionIds[0] as string; // status completed
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await db.query<{ id: string }>(
        'INSERT INTO actions (user_id, source_session_id, title, description, sort_order) VALUES ($1, $2, $3, $3, $4) RETURNING id',
        [user, done, `a${i}`, i],
      );
      ids.push(r.rows[0]!.id);
    }
    for (const [i, id] of ids.entries()) {
      if (i % 2 === 0) await db.query('INSERT INTO action_tags (action_id, tag_id) VALUES ($1, $2)', [id, tagA]);
      if (i % 3 === 0) await db.query('INSERT INTO action_tags (action_id, tag_id) VALUES ($1, $2)', [id, tagB]);
    }
    for (const tags of [[tagA], [tagA, tagB], undefined]) {
      const opts = tags === undefined ? {} : { tagIds: tags };
      const a = await new ActionRepository(db, 'in_subquery').getByUser(user, opts);
      const b = await new ActionRepository(db, 'cte').getByUser(user, opts);
      expect(b).toEqual(a);
      expect(a.length).toBe(tags === undefined ? 6 : tags.length === 1 ? 3 : 1);
    }
  });

  it('contributions: three trips vs single statement', async () => {
    traces.length = 0;
    const s = sessionIds[1] as string;
    const base = { sessionId: s, content: 'x', roundNumber: 1, phase: 'exploration', cost: 0.01, tokens: 10, model: 'm' };
    await new ContributionRepository(db, 'three_trips').save({ ...base, personaCode: 'dyn_a' });
    const threeTripsStatements = traces.filter((t) => t.name?.startsWith('contributions.')).length;
    traces.length = 0;
    await new ContributionRepository(db, 'single').save({ ...base, personaCode: 'dyn_b' });
    expect(traces.filter((t) => t.name?.startsWith('contributions.')).length).toBe(1);
    expect(threeTripsStatements).toBe(4);
    expect(await new ContributionRepository(db).countBySession(s)).toBe(2);
    expect((await new PersonaRepository(db).getByCode('dyn_b'))?.is_dynamic).toBe(true);
  });

  it('session events: per_row vs multi_row, idempotent, counters, 30-day window', async () => {
    const s = sessionIds[2] as string;
    const at = new Date();
    const evs = [1, 2, 3].map((n) => ({
      sessionId: s,
      eventType: n === 2 ? 'contribution' : 'round_start',
      sequence: n,
      data: { n },
      createdAt: at,
    }));
    expect(await new SessionEventRepository(db, 'per_row').saveBatch(evs.slice(0, 2))).toBe(2);
    expect(await new SessionEventRepository(db, 'multi_row').saveBatch(evs)).toBe(1);
    expect(await new SessionEventRepository(db, 'per_row').saveBatch(evs)).toBe(0);
    const rows = await new SessionEventRepository(db).getEvents(s);
    expect(rows.map((r) => r.sequence)).toEqual([1, 2, 3]);
    expect((await new SessionEventRepository(db).getEventsAfter(s, 1, 1)).map((r) => r.sequence)).toEqual([2]);
    expect((await new SessionRepository(db).get(s))?.contribution_count).toBe(1);
  });

  it('api_costs: idempotent batch insert, daily upsert, session and sub-problem sums', async () => {
    const s = sessionIds[3] as string;
    const repo = new CostRepository(db);
    const recs = [
      costRecord(s, user),
      costRecord(s, user, { subProblemIndex: null, phase: 'decomposition' }),
      costRecord(s, user, { provider: 'voyage', totalCost: 0.001 }),
    ];
    expect((await repo.insertBatch(recs)).length).toBe(3);
    expect((await repo.insertBatch(recs)).length).toBe(0);
    const c = await repo.getSessionCosts(s);
    expect(c.totalCalls).toBe(3);
    expect(c.totalCost).toBeCloseTo(0.0017, 8);
    expect(c.voyageCost).toBeCloseTo(0.001, 8);
    const sp = await repo.getSubproblemCosts(s);
    expect(sp.map((x) => x.subProblemIndex)).toEqual([null, 0]);
    const d = await db.query<{ request_count: number }>('SELECT request_count FROM daily_user_feature_costs WHERE user_id = $1', [user]);
    expect(d.rows[0]?.request_count).toBe(3);
  });

  it('token lookup by sha256', async () => {
    const users = new UserRepository(db);
    await users.addToken(user, 'secret-token');
    expect((await users.getByToken('secret-token'))?.id).toBe(user);
    expect(await users.getByToken('other')).toBeUndefined();
  });
});

describe('task_count detection', () => {
  it('falls back to the join shape on a database without the task-count migration', async () => {
    const base = await createTestDatabase({ prefix: 'db_base', optimizations: 'none' });
    const d = createDb({
      databaseUrl: base.url,
      poolMin: 0,
      poolMax: 2,
      connectionTimeoutMs: 2000,
      idleTimeoutMs: 1000,
      statementTimeoutMs: 0,
    });
    try {
      const repo = new SessionRepository(d, 'task_count');
      expect(await repo.effectiveListShape()).toBe('join');
      expect(await repo.listByUser('nobody')).toEqual([]);
    } finally {
      await d.close();
      await base.drop();
    }
  });
});
