import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/index.js';
import { createEngine, type Engine } from '../../engine.js';
import type { Variant } from '../../config/index.js';
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

export async function startApiFixture(o: { variant?: Variant; redisUrl?: string; settings?: ApiSettingsInput; prefix?: string } = {}): Promise<ApiFixture> {
  const database = await createTestDatabase({ prefix: o.prefix ?? 'api' });
  const tag = randomBytes(4).toString('hex');
  const engine = await createEngine({
    config: {
      databaseUrl: database.url, redisUrl: o.redisUrl ?? 'redis://127.0.0.1:6379', redisKeyPrefix: `llapi_${tag}:`,
      variant: o.variant ?? 'optimized', llm: { timeScale: 0.001 },
    },
    deliberation: SMALL,
  });
  const api = await createApiServer(engine, o.settings === undefined ? {} : { settings: o.settings });
  const users = { a: { id: `user_a_${tag}`, token: `tok_a_${tag}_${randomBytes(8).toString('hex')}` }, b: { id: `user_b_${tag}`, token: `tok_b_${tag}_${randomBytes(8).toString('hex')}` } };
  for (const u of [users.a, users.b]) {
    await engine.repositories.users.create({ id: u.id, email: `${u.id}@loadlab.invalid` });
    await engine.repositories.users.addToken(u.id, u.token, 'test');
  }
  return {
    database, engine, api, users,
    auth: (token) => ({ authorization: `Bearer ${token}` }),
    async close() {
      await api.close();
      await engine.close();
      await database.drop();
    },
  };
}
