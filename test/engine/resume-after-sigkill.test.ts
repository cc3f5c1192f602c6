import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../engine/index.js';
import { costJournalKey } from '../../engine/checkpoint/index.js';
import { eventKeys } from '../../engine/events/index.js';
import { createTestDatabase, type TestDatabase } from '../support/index.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const CHILD = path.resolve(import.meta.dirname, '../support/engine-child.ts');
const PROBLEM = 'Should we expand our subscription product into Germany next year, given churn and a tight budget?';
// Steps written before the kill: decompose, gaps, both selections and a round or two (mid-round work in flight).
const KILL_AFTER_STEP = 5;

const configFor = (url: string, prefix: string, variant: 'audited' | 'optimized') => ({
  databaseUrl: url,
  redisUrl: REDIS_URL,
  redisKeyPrefix: prefix,
  variant,
  // Realistic latencies at 1/25: a session lasts a few seconds, long enough to die mid-round.
  llm: { mockProfile: 'realistic', timeScale: 0.04 },
  deliberation: { subProblems: 2, personasPerSubProblem: 3, subProblemMaxRounds: 4 },
  checkpoint: { leaseMs: 300 },
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('resume after SIGKILL of the engine process (real PostgreSQL and Redis)', () => {
  let tdb: TestDatabase;
  let redis: Redis;
  let client: pg.Client;
  const children: ChildProcess[] = [];
  const prefix = `ll_t_resume_${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    tdb = await createTestDatabase({ prefix: 'resume' });
    redis = new Redis(REDIS_URL);
    client = new pg.Client({ connectionString: tdb.url });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGKILL');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await client.end();
    await tdb.drop();
  });

  async function crashMidSession(variant: 'audited' | 'optimized'): Promise<{ sessionId: string; killedAtStep: number }> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        LL_CHILD_CONFIG: JSON.stringify({ config: configFor(tdb.url, prefix, variant), userId: `u_${variant}`, problem: PROBLEM }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`engine child exited early (${String(code)})`)));
    });
    const { sessionId } = JSON.parse(first) as { sessionId: string };
    const stepOf = async (): Promise<number | undefined> => {
      const raw =
        variant === 'audited'
          ? await redis.get(`${prefix}checkpoint:${sessionId}`)
          : await redis.hget(`${prefix}checkpoint_parts:${sessionId}`, 'session');
      const step = raw === null ? 0 : (JSON.parse(raw) as { state: { step: number } }).state.step;
      return step >= KILL_AFTER_STEP ? step : undefined;
    };
    const killedAtStep = await until('the checkpoint of step 5', stepOf, 30_000);
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid as number, 'SIGKILL');
    await exited;
    return { sessionId, killedAtStep };
  }

  async function resumeInNewEngine(
    variant: 'audited' | 'optimized',
    sessionId: string,
  ): Promise<{ engine: Engine; status: string; redone: number }> {
    const engine = await createEngine({ config: configFor(tdb.url, prefix, variant) });
    // The dead engine's lease goes stale after leaseMs; until then the session is refused.
    const resumed = await until(
      'a stale lease',
      async () =>
        engine.resumeSession(sessionId).catch((err: { code?: string }) => {
          if (err.code === 'LL_SESSION_NOT_RESUMABLE') return undefined;
          throw err;
        }),
      10_000,
    );
    const outcome = await resumed.outcome;
    return { engine, status: outcome.status, redone: resumed.report.redoneEvents };
  }

  const count = async (sql: string, id: string): Promise<Record<string, number>> =>
    (await client.query<Record<string, number>>(sql, [id])).rows[0] ?? {};

  it('optimized: continues after the checkpoint; events and cost records each once, none lost', async () => {
    const { sessionId, killedAtStep } = await crashMidSession('optimized');
    expect((await count("SELECT count(*)::int AS n FROM sessions WHERE id = $1 AND status = 'running'", sessionId)).n).toBe(1);
    const { engine, status } = await resumeInNewEngine('optimized', sessionId);
    expect(status).toBe('completed');
    const m = engine.metrics().checkpoints;
    await engine.close();
    expect(m.resume.resumed).toBe(1);

    const ev = await count(
      'SELECT count(*)::int AS n, count(DISTINCT sequence)::int AS distinct_seq, max(sequence)::int AS max_seq FROM session_events WHERE session_id = $1',
      sessionId,
    );
    // No number twice, and none missing: 1..n all persisted.
    expect(ev.distinct_seq).toBe(ev.n);
    expect(ev.max_seq).toBe(ev.n);
    expect(await redis.llen(eventKeys(prefix, sessionId).history)).toBe(ev.n);
    const resumedEvent = await client.query<{ data: { data: { step: number } } }>(
      "SELECT data FROM session_events WHERE session_id = $1 AND event_type = 'session_resumed'",
      [sessionId],
    );
    expect(resumedEvent.rows).toHaveLength(1);
    expect(resumedEvent.rows[0]?.data.data.step).toBeGreaterThanOrEqual(killedAtStep);
    const types = await client.query<{ event_type: string }>(
      'SELECT event_type FROM session_events WHERE session_id = $1 ORDER BY sequence DESC LIMIT 1',
      [sessionId],
    );
    expect(types.rows[0]?.event_type).toBe('complete');

    const costs = await count(
      'SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS distinct_ids FROM api_costs WHERE session_id = $1',
      sessionId,
    );
    // Every record generated by either process (the journal has them all) is in api_costs, once.
    expect(costs.distinct_ids).toBe(costs.n);
    expect(await redis.llen(costJournalKey(prefix, sessionId))).toBe(costs.n);
    expect((await count("SELECT count(*)::int AS n FROM sessions WHERE id = $1 AND status = 'completed'", sessionId)).n).toBe(1);
  }, 90_000);

  it('audited: resumes too, never issues a sequence twice; what the dead process buffered is lost, and counted', async () => {
    const { sessionId } = await crashMidSession('audited');
    const { engine, status } = await resumeInNewEngine('audited', sessionId);
    expect(status).toBe('completed');
    await engine.close();
    const ev = await count(
      'SELECT count(*)::int AS n, count(DISTINCT sequence)::int AS distinct_seq, max(sequence)::int AS max_seq FROM session_events WHERE session_id = $1',
      sessionId,
    );
    expect(ev.distinct_seq).toBe(ev.n);
    // Issued numbers are the Redis history; persisted ones may miss the dead process's last batch.
    const issued = await redis.llen(eventKeys(prefix, sessionId).history);
    expect(ev.max_seq).toBe(issued);
    expect(ev.n).toBeLessThanOrEqual(issued);
    const costs = await count(
      'SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS distinct_ids FROM api_costs WHERE session_id = $1',
      sessionId,
    );
    expect(costs.distinct_ids).toBe(costs.n);
  }, 90_000);
});
