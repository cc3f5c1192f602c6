import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../engine/index.js';
import { eventKeys } from '../../engine/events/index.js';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../support/index.js';

const PROBLEM = 'Should we expand our subscription product into Germany next year, given churn and a tight budget?';

/**
 * A session whose engine died during its first step has no checkpoint. The row says `running`
 * and no lease is held: the state a SIGKILL during decomposition leaves behind.
 */
describe('resume of a session that has no checkpoint yet (real PostgreSQL and Redis)', () => {
  let tdb: TestDatabase;
  let redis: Redis;
  const prefix = `ll_t_nocp_${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    tdb = await createTestDatabase({ prefix: 'nocp' });
    redis = new Redis(TEST_REDIS_URL);
  }, 60_000);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await tdb.drop();
  });

  const engineFor = (variant: 'audited' | 'optimized') =>
    createEngine({
      config: {
        databaseUrl: tdb.url,
        redisUrl: TEST_REDIS_URL,
        redisKeyPrefix: prefix,
        variant,
        llm: { mockProfile: 'instant' },
        deliberation: { subProblems: 1, personasPerSubProblem: 3, subProblemMaxRounds: 2 },
      },
    });

  async function orphan(variant: 'audited' | 'optimized'): Promise<string> {
    const engine = await engineFor(variant);
    try {
      const { id } = await engine.createSession({ userId: `u_nocp_${variant}`, problem: PROBLEM });
      await engine.repositories.sessions.updateStatus(id, 'running');
      return id;
    } finally {
      await engine.close();
    }
  }

  it('optimized: starts over from the first step and completes', async () => {
    const id = await orphan('optimized');
    const engine = await engineFor('optimized');
    try {
      const resumed = await engine.resumeSession(id);
      expect(resumed.report).toMatchObject({ step: 0, store: 'none', checkpointSequence: 0 });
      expect((await resumed.outcome).status).toBe('completed');
      expect((await engine.repositories.sessions.get(id))?.status).toBe('completed');
    } finally {
      await engine.close();
    }
  }, 60_000);

  it("audited: marked failed with LL_CHECKPOINT_LOST, its error event numbered after the dead process's buffered events", async () => {
    const id = await orphan('audited');
    // The dead process had published sequences 1-2 (in the Redis history, acknowledged to
    // subscribers) and not yet flushed them to session_events (audited: no flush timer).
    const history = eventKeys(prefix, id).history;
    for (const sequence of [1, 2]) {
      await redis.rpush(
        history,
        JSON.stringify({ event_type: 'decomposition_started', session_id: id, sequence, timestamp: new Date().toISOString(), data: {} }),
      );
    }
    const engine = await engineFor('audited');
    try {
      await expect(engine.resumeSession(id)).rejects.toMatchObject({ code: 'LL_CHECKPOINT_LOST' });
      expect((await engine.repositories.sessions.get(id))?.status).toBe('failed');
      expect(engine.metrics().checkpoints.resume.lost).toBe(1);
      const errors = await engine.db.query<{ sequence: number }>(
        "SELECT sequence FROM session_events WHERE session_id = $1 AND event_type = 'error'",
        [id],
      );
      expect(errors.rows.map((r) => r.sequence)).toEqual([3]);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
