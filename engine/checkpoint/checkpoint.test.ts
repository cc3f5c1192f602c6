import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/engine-support/index.js';
import { resolveConfig } from '../config/index.js';
import { createDb, createRepositories, type Db } from '../db/index.js';
import type { DeliberationState } from '../deliberation/index.js';
import { Checkpointer } from './checkpointer.js';
import { judgeLease } from './lease.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

function stateWith(spCount: number, step: number): DeliberationState {
  const subProblems: DeliberationState['subProblems'] = {};
  for (let i = 0; i < spCount; i++) {
    subProblems[String(i)] = {
      index: i,
      goal: `goal ${i}`,
      maxRounds: 4,
      costBefore: 0,
      stage: 'rounds',
      personas: ['a', 'b', 'c'],
      contributions: [{ persona: 'a', name: 'A', content: 'x'.repeat(2_000), round: 1 }],
      summaries: ['s'],
      total: 3,
      stalled: 0,
      round: 1,
    };
  }
  return {
    version: 1,
    step,
    lastStep: `sp0.round${step}`,
    counters: { llmCalls: 9, embeddingRequests: 2, contributions: 3, events: 12, costUsd: 0.02 },
    costGuardTripped: false,
    plan: { complexity: 3, personaCount: 3, subProblems: [{ index: 0, goal: 'goal 0' }] },
    gapsDone: true,
    subProblems,
    metaDone: false,
    tasksDone: false,
    completed: false,
  };
}

describe('Checkpointer (real Redis and PostgreSQL)', () => {
  let tdb: TestDatabase;
  let db: Db;
  let redis: Redis;
  let dead: Redis;
  let sessionIds: string[] = [];
  const prefix = `ll_t_cp_${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    tdb = await createTestDatabase({ prefix: 'checkpoint' });
    db = createDb({
      databaseUrl: tdb.url,
      poolMin: 0,
      poolMax: 4,
      connectionTimeoutMs: 5_000,
      idleTimeoutMs: 1_000,
      statementTimeoutMs: 10_000,
    });
    const repos = createRepositories(db, resolveConfig({ databaseUrl: tdb.url }));
    await repos.users.create({ id: 'u_cp', email: 'u_cp@loadlab.invalid' });
    sessionIds = await Promise.all(
      [1, 2, 3, 4].map(async () => (await repos.sessions.create({ userId: 'u_cp', problemStatement: 'checkpoint round trip' })).id),
    );
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    await redis.ping();
    // Nothing listens on port 1: the "Redis down at session start" case, without touching a real server.
    dead = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
  }, 60_000);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    dead.disconnect();
    await db.close();
    await tdb.drop();
  });

  const checkpointer = (variant: 'audited' | 'optimized', client: Redis) =>
    new Checkpointer({
      redis: client,
      db,
      config: resolveConfig({ variant }).checkpoint,
      redisKeyPrefix: prefix,
      pingTimeoutMs: 500,
      sequenceOf: () => 42,
      costRecordsOf: () => 7,
    });

  it('audited: the whole state on every write, read back equal, with the 7-day TTL', async () => {
    const cp = checkpointer('audited', redis);
    const id = sessionIds[0] as string;
    expect(await cp.begin(id)).toBe('redis');
    await cp.save(id, stateWith(3, 1), ['sp:0', 'session']);
    await cp.save(id, stateWith(3, 2), ['sp:0', 'session']);
    const c = cp.counters();
    expect(c.writes).toBe(2);
    // Both writes carry all three sub-problems.
    expect(c.bytes).toBeGreaterThan(2 * 3 * 2_000);
    const back = await cp.load(id);
    expect(back).toMatchObject({ store: 'redis', sequence: 42, costRecords: 7 });
    expect(back?.state).toEqual(stateWith(3, 2));
    const ttl = await redis.ttl(`${prefix}checkpoint:${id}`);
    expect(ttl).toBeGreaterThan(604_800 - 60);
  });

  it('optimized: the first write has every part, later ones only the changed sub-problem', async () => {
    const cp = checkpointer('optimized', redis);
    const id = sessionIds[1] as string;
    expect(await cp.begin(id)).toBe('redis');
    await cp.save(id, stateWith(3, 1), ['sp:0', 'session']);
    const first = cp.counters().bytes;
    const next = stateWith(3, 2);
    next.subProblems['1'] = { ...(next.subProblems['1'] as NonNullable<DeliberationState['subProblems']['1']>), round: 2 };
    await cp.save(id, next, ['sp:1', 'session']);
    const second = cp.counters().bytes - first;
    expect(first).toBeGreaterThan(3 * 2_000);
    expect(second).toBeLessThan(first / 2);
    expect((await cp.load(id))?.state).toEqual(next);
    expect(cp.session(id)?.storedBytes).toBeGreaterThanOrEqual(first);
  });

  it('Redis down at session start: audited keeps the state in memory only, optimized in PostgreSQL', async () => {
    const audited = checkpointer('audited', dead);
    const a = sessionIds[2] as string;
    expect(await audited.begin(a)).toBe('memory');
    await audited.save(a, stateWith(2, 1), ['session']);
    expect((await audited.load(a))?.store).toBe('memory');
    // A new process (a new Checkpointer) has nothing: the audited loss on restart.
    expect(await checkpointer('audited', dead).load(a)).toBeUndefined();

    const optimized = checkpointer('optimized', dead);
    const o = sessionIds[3] as string;
    expect(await optimized.begin(o)).toBe('postgres');
    await optimized.save(o, stateWith(2, 1), ['session']);
    await optimized.save(o, stateWith(2, 2), ['sp:1', 'session']);
    const restarted = await checkpointer('optimized', dead).load(o);
    expect(restarted).toMatchObject({ store: 'postgres', sequence: 42 });
    expect(restarted?.state).toEqual(stateWith(2, 2));
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM session_checkpoints WHERE session_id = $1', [o]);
    expect(rows.rows[0]?.n).toBe(3); // session, sp:0, sp:1
  });
});

describe('lease judgement (fake clock)', () => {
  it('fresh within leaseMs, stale after, absent or unreadable otherwise', () => {
    const raw = JSON.stringify({ owner: 'e1', at: 1_000 });
    expect(judgeLease(raw, 1_000 + 300, 300)).toEqual({ kind: 'fresh', owner: 'e1' });
    expect(judgeLease(raw, 1_000 + 301, 300)).toEqual({ kind: 'stale' });
    expect(judgeLease(null, 0, 300)).toEqual({ kind: 'absent' });
    expect(judgeLease('{not json', 0, 300)).toEqual({ kind: 'stale' });
  });
});
