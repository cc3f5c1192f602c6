import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/engine-support/index.js';
import { costRecord } from './internal/cost-record.js';
import {
  CostRepository,
  createDb,
  interpolate,
  SessionEventRepository,
  SessionRepository,
  UserRepository,
  type Db,
  type StatementMode,
} from './index.js';

describe('interpolate (simple mode, as psycopg2)', () => {
  it('renders every parameter as an untyped quoted literal, pg-style', () => {
    const d = new Date('2025-12-22T10:00:00.000Z');
    expect(interpolate('SELECT $1, $2, $3, $4, $5', [42, "O'Brien", null, ['a', 'b,c'], { k: 1 }])).toBe(
      `SELECT '42', 'O''Brien', NULL, '{"a","b,c"}', '{"k":1}'`,
    );
    expect(interpolate('SELECT $1::timestamptz', [d])).toMatch(/^SELECT '2025-12-22T\d\d:00:00\.000[+-]\d\d:\d\d'::timestamptz$/);
    expect(interpolate('SELECT $1', ['back\\slash'])).toBe("SELECT  E'back\\\\slash'");
  });

  it('tells $1 from $10 and leaves placeholders inside strings, identifiers and comments alone', () => {
    const params = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(interpolate('SELECT $10, $1', params)).toBe("SELECT '10', '1'");
    expect(interpolate(`SELECT '$1', "$1" -- $1\n, $1 /* $1 */`, [7])).toBe(`SELECT '$1', "$1" -- $1\n, '7' /* $1 */`);
  });

  it('refuses a placeholder without a parameter', () => {
    expect(() => interpolate('SELECT $2', [1])).toThrow(/\$2/);
  });
});

describe.each<StatementMode>(['simple', 'unnamed', 'prepared'])('Db in %s mode on real PostgreSQL', (mode) => {
  let tdb: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    tdb = await createTestDatabase({ prefix: `sm_${mode}`, optimizations: 'all' });
    db = createDb({
      databaseUrl: tdb.url,
      poolMin: 0,
      poolMax: 1,
      connectionTimeoutMs: 5_000,
      idleTimeoutMs: 1_000,
      statementTimeoutMs: 10_000,
      statementMode: mode,
    });
  });

  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('round-trips the value types the repositories bind', async () => {
    const r = await db.query<{ a: number; t: string; n: null; arr: string[]; j: unknown; ts: Date; b: boolean }>(
      'SELECT $1::int AS a, $2::text AS t, $3::text AS n, $4::text[] AS arr, $5::jsonb AS j, $6::timestamptz AS ts, $7::boolean AS b',
      [7, "it's a \\ test $1", null, ['x', 'y z', 'q"uote'], { nested: [1, 'two'] }, new Date('2025-12-22T10:00:00Z'), true],
    );
    expect(r.rows[0]).toEqual({
      a: 7,
      t: "it's a \\ test $1",
      n: null,
      arr: ['x', 'y z', 'q"uote'],
      j: { nested: [1, 'two'] },
      ts: new Date('2025-12-22T10:00:00Z'),
      b: true,
    });
  });

  it('runs the hot repositories unchanged', async () => {
    const userId = `u_${mode}`;
    await new UserRepository(db).create({ id: userId, email: `${userId}@example.test` });
    const sessions = new SessionRepository(db, 'task_count');
    const s = await sessions.create({ userId, problemStatement: "Should we 'pivot'?" });
    const events = new SessionEventRepository(db, 'multi_row', 30);
    await events.saveBatch(
      [1, 2, 3].map((sequence) => ({
        sessionId: s.id,
        eventType: 'contribution',
        sequence,
        data: { sequence, text: 'a $1 b' },
        userId,
        createdAt: new Date(),
      })),
    );
    expect((await events.getEvents(s.id)).map((e) => e.sequence).sort()).toEqual([1, 2, 3]);
    const costs = new CostRepository(db, 30);
    await costs.insertBatch([costRecord(s.id, userId), costRecord(s.id, userId, { totalCost: 0.001 })]);
    const sc = await costs.getSessionCosts(s.id);
    expect(sc.totalCalls).toBe(2);
    const listed = await sessions.listByUser(userId, { limit: 10 });
    expect(listed.map((x) => x.problem_statement)).toEqual(["Should we 'pivot'?"]);
  });

  it(`sends statements the ${mode} way (server view of the connection)`, async () => {
    for (let i = 0; i < 3; i++) await db.query('SELECT $1::int + 1 AS x', [i]);
    // poolMax 1: the next statement runs on the same connection, whose prepared statements we read.
    const prepared = await db.query<{ name: string; statement: string }>(
      'SELECT name, statement FROM pg_prepared_statements WHERE statement = $1',
      ['SELECT $1::int + 1 AS x'],
    );
    if (mode === 'prepared') {
      expect(prepared.rows).toHaveLength(1);
      expect(prepared.rows[0]?.statement).toBe('SELECT $1::int + 1 AS x');
    } else {
      expect(prepared.rows).toHaveLength(0);
    }
  });
});
