import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createEngine, type SessionOutcome } from '../../../engine/index.js';
import type { EventCounters } from '../../../engine/events/index.js';
import { checkHistory, type HistoryCheck } from '../../../harness/load/index.js';
import type { RedisHandle } from '../../../harness/infra/index.js';
import type { TimelineMark } from '../../../harness/result/index.js';
import type { ScenarioContext } from '../../../harness/scenario/index.js';
import { clientsCatchUp } from './catch-up.js';
import { ClientFleet } from './clients.js';
import { runKills, type KillOutcome } from './kills.js';
import { recordHistories, storedIds } from './oracle.js';
import type { FailoverVariant, RedisFailoverParams } from './params.js';
import { FailoverSampler } from './timeline.js';

/** One variant's run under the kill schedule, as the analysis needs it. */
export interface FailoverRun {
  variant: FailoverVariant;
  sessionIds: string[];
  results: SessionOutcome[];
  kills: KillOutcome[];
  events: HistoryCheck;
  costs: HistoryCheck;
  fleet: ClientFleet;
  sampler: FailoverSampler;
  /**
   * Events never delivered to their session's client; null when not waited for (audited: the
   * events it drops never reach any store, so a client would wait out every gap for nothing).
   */
  sseMissing: number | null;
  /** The publisher's own counters after the engine closed (emitted, dropped, redisFailures…). */
  counters: EventCounters;
  historyEvents: number;
  /** Direct count(*) of session_events and api_costs in the variant's own database. */
  sql: { events: number; costs: number };
}

const PROBLEMS = [
  'Should we raise prices for our small-business plan this spring?',
  'Which of our three candidate markets should we enter first next year, given a small sales team and a product that still needs localisation?',
  'How should we staff the support team for the holiday season?',
];

/** The timeline each variant's series and kill marks go to. */
export const timelineName = (variant: FailoverVariant): string => (variant === 'optimized' ? 'redis-failover' : 'redis-failover-audited');

/**
 * One variant: an engine on a database and Redis of its own runs its sessions (each followed by
 * an SSE-like client) while `redis` is SIGKILLed at every kill point; then every event and cost
 * record the engine accepted is looked up in PostgreSQL.
 */
export async function runFailoverVariant(
  ctx: ScenarioContext<RedisFailoverParams>,
  variant: FailoverVariant,
  redis: RedisHandle,
): Promise<FailoverRun> {
  const p = ctx.params;
  const audited = variant === 'audited';
  const db = await ctx.data.database({ label: audited ? 'failover_audited' : 'failover', seeded: false });
  const engine = await createEngine({
    config: ctx.engineConfig({
      databaseUrl: db.url,
      redisUrl: redis.url,
      redisKeyPrefix: `rf${randomBytes(3).toString('hex')}:`,
      variant,
      // The audited variant keeps its own pool size (20, §1.9).
      ...(audited ? {} : { db: { poolMax: 15 } }),
      llm: { mockProfile: p.mockProfile, timeScale: p.timeScale },
      redis: { reconnectInitialMs: 100, reconnectMaxMs: p.reconnectMaxMs, connectTimeoutMs: 1_000 },
      // §7.1: bo1 appends, publishes and schedules persistence in one try block, so an event whose
      // Redis step raises is neither streamed nor persisted. The engine keeps that behind this
      // switch (off even in the audited profile); C29 is about that system, so it is on here.
      events: { redisRecheckIntervalMs: p.sseRecheckMs, ...(audited ? { dropEventsOnRedisFailure: true } : {}) },
    }),
    // Redis errors during the outage are the point of the scenario; keep them out of the output.
    logger: ctx.logger.child({ component: 'engine', variant }, { level: 'fatal' }),
  });
  const t0 = performance.now() - ctx.elapsed();
  const fleet = new ClientFleet(engine);
  const sampler = new FailoverSampler(engine, fleet, t0);
  const marks: TimelineMark[] = [];
  let closed = false;
  try {
    const histories = recordHistories(engine);
    const sessionIds: string[] = [];
    const n = audited ? p.auditedSessions : p.sessions;
    for (let i = 0; i < n; i++)
      sessionIds.push((await engine.createSession({ userId: `rf_user_${i % 3}`, problem: PROBLEMS[i % PROBLEMS.length]! })).id);
    for (const id of sessionIds) fleet.follow(id);
    sampler.start(p.sampleMs);
    const outcomes = Promise.all(sessionIds.map((id) => engine.startSession(id)));
    ctx.progress(`${variant} kills`, p.killPoints.join(', '));
    const kills = await runKills(
      {
        engine,
        fleet,
        redis,
        outageMs: p.outageMs,
        settleMs: p.settleMs,
        triggerTimeoutMs: p.triggerTimeoutMs,
        t0,
        signal: ctx.signal,
        marks,
      },
      p.killPoints,
    );
    ctx.progress(`${variant} completing sessions`);
    const results = await outcomes;
    const sseMissing = audited
      ? null
      : await clientsCatchUp(
          fleet,
          histories.events.list().map((e) => e.id),
          ctx.signal,
        );
    sampler.stop();
    await fleet.close();
    await engine.close();
    closed = true;
    const stored = await storedIds(db.url, sessionIds);
    return {
      variant,
      sessionIds,
      results,
      kills,
      events: checkHistory(histories.events, stored.events),
      costs: checkHistory(histories.costs, stored.costs),
      fleet,
      sampler,
      sseMissing,
      counters: engine.events.counters(),
      historyEvents: histories.events.list().length,
      sql: await countRows(db.url),
    };
  } finally {
    sampler.stop();
    ctx.report.evidence.timelines.push({
      name: timelineName(variant),
      title: `${audited ? 'audited variant: ' : ''}Redis SIGKILLed at ${p.killPoints.join(', ')}; ${p.outageMs} ms outages`,
      series: sampler.series(),
      marks: [...marks].sort((a, b) => a.t - b.t),
    });
    if (!closed) {
      await fleet.close().catch(() => undefined);
      await engine.close().catch(() => undefined);
    }
  }
}

/** `SELECT count(*)` of both tables: the figure the oracle's account of the store must equal. */
async function countRows(databaseUrl: string): Promise<{ events: number; costs: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // a server going away must not crash the process
  await client.connect();
  try {
    const r = await client.query<{ events: number; costs: number }>(
      'SELECT (SELECT count(*) FROM session_events)::int AS events, (SELECT count(*) FROM api_costs)::int AS costs',
    );
    return r.rows[0] ?? { events: Number.NaN, costs: Number.NaN };
  } finally {
    await client.end();
  }
}
