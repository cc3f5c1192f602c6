import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TimelineMark } from '../../../harness/result/index.js';
import type { ScenarioContext } from '../../../harness/scenario/index.js';
import { startEngineChild, type EngineChild } from './child.js';
import { checkpointTimes, storedRows, type CrashOracle, type StoredRows } from './oracle.js';
import type { KillPoint } from './protocol.js';

export type Variant = 'audited' | 'optimized';

export interface EngineCrashParams {
  /** Deliberations started at once per variant; they run across every kill and restart. */
  sessions: number;
  /** Where each variant's engine is SIGKILLed, in this order (one kill, then one restart, each). */
  killPoints: KillPoint[];
  /** Both variants at once (each in its own processes and database): halves the wall time. */
  concurrentVariants: boolean;
  /** Sessions run this long in a fresh process before the next kill point is armed. */
  settleMs: number;
  /** How long an armed kill point may take to be reached before the process is killed anyway. */
  triggerTimeoutMs: number;
  /** checkpoint.leaseMs: a dead engine's sessions are taken over once their lease is this old. */
  leaseMs: number;
  startTimeoutMs: number;
  /** Bound on the whole deliberation of every session after the last restart. */
  finishTimeoutMs: number;
  mockProfile: string;
  timeScale: number;
  subProblems: number;
  personasPerSubProblem: number;
  subProblemMaxRounds: number;
}

export interface KillRecord {
  point: KillPoint;
  /** False: the point was not reached within triggerTimeoutMs and the process was killed anyway. */
  triggered: boolean;
  detail: string;
  pid: number;
  /** Sessions left `running` by the dead process. */
  orphans: number;
  /** Cost records (and their USD) the dead process tracked after its sessions' last checkpoints. */
  redoneRecords: number;
  redoneUsd: number;
  /** ms from the restart (spawn of the new process) to it listening, and to its first resumed event. */
  restartToReadyMs: number;
  restartToResumedEventMs: number | null;
  /** performance.now() of the kill and of the restart. */
  killedAt: number;
  restartedAt: number;
}

export interface VariantRun {
  variant: Variant;
  sessionIds: string[];
  oracle: CrashOracle;
  kills: KillRecord[];
  /** Final status of each session (`running` if it never finished within finishTimeoutMs). */
  statuses: Map<string, string>;
  /** The `error` events' codes and messages by session (why a session did not complete). */
  errors: Map<string, string>;
  stored: StoredRows;
  /** Kill points not used because every session had ended before them. */
  unusedPoints: KillPoint[];
}

const PROBLEMS = [
  'Should we raise prices for our small-business plan this spring, given churn in the last quarter?',
  'Which of our three candidate markets should we enter first next year, given a small sales team and a product that still needs localisation?',
  'How should we staff the support team for the holiday season without hurting response times?',
];

interface Driver {
  ctx: ScenarioContext<EngineCrashParams>;
  variant: Variant;
  oracle: CrashOracle;
  marks: TimelineMark[];
  t0: number;
}

/**
 * One variant: an engine process with its own database and key prefix runs `sessions`
 * deliberations; at each kill point it is SIGKILLed and a new process (which resumes what the dead
 * one left running, as `loadlab serve` does) takes over; then every session is left to finish and
 * the store is compared with what the engine processes accepted.
 */
export async function runVariant(
  ctx: ScenarioContext<EngineCrashParams>,
  variant: Variant,
  o: { redisUrl: string; oracle: CrashOracle; marks: TimelineMark[] },
): Promise<VariantRun> {
  const { redisUrl, marks } = o;
  const p = ctx.params;
  const db = await ctx.data.database({ label: `crash_${variant}`, seeded: false, optimizations: variant === 'audited' ? 'none' : 'all' });
  const prefix = `ec${randomBytes(3).toString('hex')}:`;
  const users = [0, 1].map((i) => ({ id: `crash_${variant}_${i}`, token: `ll_crash_${randomBytes(16).toString('hex')}` }));
  const input = {
    config: ctx.engineConfig({
      databaseUrl: db.url,
      redisUrl,
      redisKeyPrefix: prefix,
      variant,
      db: { poolMax: 8 },
      llm: { mockProfile: p.mockProfile, timeScale: p.timeScale },
      deliberation: {
        subProblems: p.subProblems,
        personasPerSubProblem: p.personasPerSubProblem,
        subProblemMaxRounds: p.subProblemMaxRounds,
      },
      checkpoint: { leaseMs: p.leaseMs },
    }),
    users,
    sweepMs: p.leaseMs,
    freezeMs: p.triggerTimeoutMs + 5_000,
  };
  const d: Driver = { ctx, variant, oracle: o.oracle, marks, t0: performance.now() - ctx.elapsed() };
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => undefined);
  await client.connect();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let gen = 0;
  const log = ctx.logger.child({ component: 'engine-crash', variant });
  const start = (): Promise<EngineChild> =>
    startEngineChild({
      input,
      onLine: d.oracle.listener(gen),
      onStderr: (line) => log.warn({ gen, line }, 'engine child stderr'),
      startTimeoutMs: p.startTimeoutMs,
      signal: ctx.signal,
    });
  let child = await start();
  try {
    const sessionIds: string[] = [];
    for (let i = 0; i < p.sessions; i++) {
      const user = users[i % users.length]!;
      const id = (await api(child, user.token, '/api/v1/sessions', { problem_statement: PROBLEMS[i % PROBLEMS.length]! })) as string;
      await api(child, user.token, `/api/v1/sessions/${id}/start`);
      sessionIds.push(id);
    }
    const kills: KillRecord[] = [];
    const unusedPoints: KillPoint[] = [];
    for (const point of p.killPoints) {
      await sleep(p.settleMs, undefined, { signal: ctx.signal });
      if ((await statuses(client, sessionIds)).every(([, s]) => s !== 'running')) {
        unusedPoints.push(point);
        continue;
      }
      ctx.progress(variant, `kill ${kills.length + 1}/${p.killPoints.length} at ${point}`);
      const hit = child.hit(p.triggerTimeoutMs);
      child.arm(point);
      const line = await hit;
      const killedAt = performance.now();
      const pid = child.pid;
      await child.kill();
      mark(
        d,
        killedAt,
        'fault-start',
        `${variant}: engine pid ${pid} SIGKILLed at ${point}: ${line?.detail ?? 'not reached in time, killed anyway'}`,
      );
      const orphans = (await statuses(client, sessionIds)).filter(([, s]) => s === 'running').map(([id]) => id);
      const redone = d.oracle.redone(gen, await checkpointTimes(redis, prefix, orphans));
      gen += 1;
      child = await start();
      mark(d, child.spawnedAt, 'fault-end', `${variant}: new engine pid ${child.pid} (resumes ${orphans.length} sessions)`);
      const resumedAt = await until(() => d.oracle.firstResumedAt.get(gen), orphans.length === 0 ? 0 : p.startTimeoutMs, ctx.signal);
      kills.push({
        point,
        triggered: line !== undefined,
        detail: line?.detail ?? 'not reached',
        pid,
        orphans: orphans.length,
        redoneRecords: redone.records,
        redoneUsd: redone.usd,
        restartToReadyMs: child.readyAt - child.spawnedAt,
        restartToResumedEventMs: resumedAt === undefined ? null : resumedAt - child.spawnedAt,
        killedAt,
        restartedAt: child.spawnedAt,
      });
    }
    ctx.progress(variant, 'sessions finishing');
    const deadline = performance.now() + p.finishTimeoutMs;
    let final = await statuses(client, sessionIds);
    while (final.some(([, s]) => s === 'running' || s === 'created') && performance.now() < deadline) {
      await sleep(100, undefined, { signal: ctx.signal });
      final = await statuses(client, sessionIds);
    }
    // A clean stop: the last engine flushes what it buffered, as `loadlab serve` does on Ctrl-C.
    await child.stop(10_000);
    return {
      variant,
      sessionIds,
      oracle: d.oracle,
      kills,
      statuses: new Map(final),
      errors: await sessionErrors(client),
      stored: await storedRows(client),
      unusedPoints,
    };
  } finally {
    await child.kill();
    // The Redis may be shared (REDIS_URL): leave none of this variant's keys (checkpoints live 7 days).
    await deleteKeys(redis, prefix).catch(() => undefined);
    redis.disconnect();
    await client.end();
  }
}

async function api(child: EngineChild, token: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${child.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as { id?: string };
  if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json.id;
}

async function statuses(client: pg.Client, ids: readonly string[]): Promise<[string, string][]> {
  const r = await client.query<{ id: string; status: string }>('SELECT id, status FROM sessions WHERE id = ANY($1)', [ids]);
  return r.rows.map((row) => [row.id, row.status]);
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

async function sessionErrors(client: pg.Client): Promise<Map<string, string>> {
  const r = await client.query<{ session_id: string; data: { data?: { code?: string; message?: string } } }>(
    "SELECT session_id, data FROM session_events WHERE event_type = 'error' ORDER BY sequence",
  );
  return new Map(r.rows.map((row) => [row.session_id, `${row.data.data?.code ?? '?'}: ${row.data.data?.message ?? ''}`]));
}

async function until<T>(fn: () => T | undefined, timeoutMs: number, signal: AbortSignal): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined || performance.now() >= deadline) return v;
    await sleep(5, undefined, { signal });
  }
}

function mark(d: Driver, at: number, kind: 'fault-start' | 'fault-end', label: string): void {
  d.marks.push({ t: Math.round(at - d.t0), kind, label, fault: 'engine-kill' });
}
