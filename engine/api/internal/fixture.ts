import { randomBytes } from 'node:crypto';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../../../test/engine-support/index.js';
import { createEngine, type Engine } from '../../engine.js';
import type { EngineConfigInput, Variant } from '../../config/index.js';
import { createApiServer, type ApiServer, type ApiSettingsInput } from '../server.js';

/** Test-only: a migrated database, an engine (mock LLM, fast clock) and an API with two users. */
export interface ApiFixture {
  readonly database: TestDatabase;
  readonly engine: Engine;
  readonly api: ApiServer;
  readonly users: { a: { id: string; token: string }; b: { id: string; token: string } };
  auth(token: string): { authorization: string };
  close(): Promise<void>;
}

// Small deliberations keep a whole session under a second with the compressed mock clock.
const SMALL = { subProblems: 2, personasPerSubProblem: 3, subProblemMaxRounds: 3 };

export async function startApiFixture(
  o: {
    variant?: Variant;
    redisUrl?: string;
    settings?: ApiSettingsInput;
    prefix?: string;
    mockProfile?: string;
    timeScale?: number;
    config?: Pick<EngineConfigInput, 'cache' | 'costs'>;
  } = {},
): Promise<ApiFixture> {
  const database = await createTestDatabase({ prefix: o.prefix ?? 'api' });
  const tag = randomBytes(4).toString('hex');
  const engine = await createEngine({
    config: {
      databaseUrl: database.url,
      redisUrl: o.redisUrl ?? TEST_REDIS_URL,
      redisKeyPrefix: `llapi_${tag}:`,
      variant: o.variant ?? 'optimized',
      llm: { mockProfile: o.mockProfile ?? 'instant', timeScale: o.timeScale ?? 0.001 },
      deliberation: SMALL,
      ...o.config,
    },
  });
  const api = await createApiServer(engine, o.settings === undefined ? {} : { settings: o.settings });
  const users = {
    a: { id: `user_a_${tag}`, token: `tok_a_${tag}_${randomBytes(8).toString('hex')}` },
    b: { id: `user_b_${tag}`, token: `tok_b_${tag}_${randomBytes(8).toString('hex')}` },
  };
  for (const u of [users.a, users.b]) {
    await engine.repositories.users.create({ id: u.id, email: `${u.id}@loadlab.invalid` });
    await engine.repositories.users.addToken(u.id, u.token, 'test');
  }
  return {
    database,
    engine,
    api,
    users,
    auth: (token) => ({ authorization: `Bearer ${token}` }),
    async close() {
      await api.close();
      await engine.close();
      await database.drop();
    },
  };
}

/**
 * Test data for the actions endpoint: `sessions` completed sessions of `userId`, each with two
 * actions; tags `t1` on every action, `t2` on the first action of each session.
 */
export async function insertActions(
  engine: Engine,
  userId: string,
  sessions: number,
): Promise<{ sessionIds: string[]; actionIds: string[]; tags: { t1: string; t2: string } }> {
  const q = <R extends Record<string, unknown>>(sql: string, params: unknown[]) => engine.db.query<R>(sql, params).then((r) => r.rows);
  const [t1, t2] = await Promise.all(
    ['t1', 't2'].map(
      async (name) =>
        (await q<{ id: string }>('INSERT INTO tags (user_id, name) VALUES ($1, $2) RETURNING id', [userId, `${name}_${userId}`]))[0]
          ?.id as string,
    ),
  );
  const sessionIds: string[] = [];
  const actionIds: string[] = [];
  for (let i = 0; i < sessions; i++) {
    const row = await engine.repositories.sessions.create({
      userId,
      problemStatement: `Completed session ${i} of ${userId} with actions`,
      status: 'completed',
    });
    sessionIds.push(row.id);
    for (let k = 0; k < 2; k++) {
      const id = (
        await q<{ id: string }>(
          'INSERT INTO actions (user_id, source_session_id, title, description, sort_order) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [userId, row.id, `action ${i}.${k}`, 'do it', k],
        )
      )[0]?.id as string;
      actionIds.push(id);
      await q('INSERT INTO action_tags (action_id, tag_id) VALUES ($1, $2)', [id, t1]);
      if (k === 0) await q('INSERT INTO action_tags (action_id, tag_id) VALUES ($1, $2)', [id, t2]);
    }
  }
  return { sessionIds, actionIds, tags: { t1: t1 as string, t2: t2 as string } };
}

/** Polls the session row until its status is final (the engine writes it after the last event). */
export async function waitForEnd(engine: Engine, id: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await engine.repositories.sessions.get(id))?.status;
    if (status !== undefined && ['completed', 'failed', 'killed'].includes(status)) return status;
    if (Date.now() > deadline) throw new Error(`session ${id} still ${status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
