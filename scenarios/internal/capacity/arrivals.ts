import pg from 'pg';
import type { Engine } from '../../../engine/index.js';
import { runOpenModel } from '../../../harness/load/index.js';
import { emptyTally, sessionOp, type SessionOpTally } from './session-op.js';
import { sampleEngine, type EngineSamples } from './engine-sampler.js';

// Queueing behind the session cap or the pool is a state, not an event: sample it (as level.ts does).
const SAMPLE_EVERY_MS = 20;
// pg_stat_activity is a query per sample: often enough to catch a peak, rarely enough to stay off the CPU.
const SERVER_SAMPLE_EVERY_MS = 100;

export interface PhaseInput {
  /** Sessions/day offered, real time. */
  sessionsPerDay: number;
  sessions: number;
  timeScale: number;
  /** Real seconds a session may run after the last arrival before it counts as not finished. */
  drainRealS: number;
  problem: string;
  userId: string;
  signal: AbortSignal;
  /** When set, PostgreSQL backends serving this database are sampled (what a pooler caps). */
  serverProbe?: { adminUrl: string; database: string };
}

export interface PhaseRun {
  sessionsPerDay: number;
  offered: number;
  completed: number;
  /** Not completed, by error code (DRAIN_TIMEOUT: still running when the drain window closed). */
  failedBy: Record<string, number>;
  /** Of the failures: an LLM call ran out of the SDK's retries on 429s (the provider's limit, named). */
  failedRateLimited: number;
  /** Mock-clock (wall) duration of every completed session, ms. */
  durations: number[];
  /** Generator lag: arrivals started later than due (open model: p95 of actual - intended start), wall ms. */
  arrivalLagP95Ms: number;
  peakActive: number;
  peakWaitingStarts: number;
  /** Share of samples with start() calls queued behind the SessionManager's capacity lock. */
  waitingStartsShare: number;
  evicted: number;
  peakPoolWaiting: number;
  /** Most client connections the engine's pool held at once (behind a pooler: more than the server's). */
  peakPoolClients: number;
  poolWaitingShare: number;
  /** Pool acquire-wait p99 over the phase, wall ms (DB time is not scaled by the mock clock). */
  poolAcquireP99Ms: number;
  /** Statements that failed or could not get a connection (the pool's error counter). */
  dbErrors: number;
  peakServerConnections: number | null;
  llm: { attempts: number; rateLimited: number; retries: number; failedCalls: number };
  wallMs: number;
  cpuPercent: number;
  /** Harness + engine process CPU per offered session, ms: work the mock clock does not compress. */
  cpuMsPerSession: number;
}

/**
 * One phase of a tier: an open model offers `sessions` whole sessions at fixed intervals of
 * 86,400 / sessionsPerDay real seconds, compressed by the mock's timeScale (the provider's
 * buckets refill on the same clock, so limits and load keep their proportions). Each arrival
 * creates a session and runs it to its end whatever the others are doing, so queueing shows.
 */
export async function runTierPhase(engine: Engine, input: PhaseInput): Promise<PhaseRun> {
  const realIntervalS = 86_400 / input.sessionsPerDay;
  const ratePerSec = 1 / (realIntervalS * input.timeScale);
  engine.db.resetMetrics();
  const stats0 = engine.metrics();
  const llm0 = engine.llm.stats();
  const sampler = sampleEngine(engine, SAMPLE_EVERY_MS);
  const servers = input.serverProbe === undefined ? undefined : await sampleServerConnections(input.serverProbe);
  const tally: SessionOpTally = emptyTally();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let raw;
  let samples: EngineSamples;
  try {
    raw = await runOpenModel({
      ratePerSec,
      // The driver offers floor(duration x rate) arrivals: half an interval more than n keeps float error from losing the last.
      durationMs: ((input.sessions + 0.5) / ratePerSec) * 1_000,
      drainTimeoutMs: input.drainRealS * input.timeScale * 1_000,
      signal: input.signal,
      op: sessionOp(engine, input, tally),
    });
  } finally {
    samples = sampler.stop();
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const peakServerConnections = servers === undefined ? null : await servers.stop();
  const m = engine.metrics();
  const llm = engine.llm.stats();
  return {
    sessionsPerDay: input.sessionsPerDay,
    offered: raw.started + raw.dropped,
    completed: raw.ok,
    failedBy: raw.errors,
    failedRateLimited: tally.failedRateLimited,
    durations: tally.durations,
    arrivalLagP95Ms: Math.max(0, raw.latency.p95 - raw.serviceTime.p95),
    peakActive: samples.peakActive,
    peakWaitingStarts: samples.peakWaitingStarts,
    waitingStartsShare: samples.samples > 0 ? samples.withWaitingStarts / samples.samples : 0,
    evicted: m.sessions.evicted - stats0.sessions.evicted,
    peakPoolWaiting: samples.peakPoolWaiting,
    peakPoolClients: samples.peakPoolClients,
    poolWaitingShare: samples.samples > 0 ? samples.withPoolWaiters / samples.samples : 0,
    poolAcquireP99Ms: m.pool.acquireWaitMs.p99,
    dbErrors: m.pool.errors - stats0.pool.errors,
    peakServerConnections,
    llm: {
      attempts: llm.attempts - llm0.attempts,
      rateLimited: llm.rateLimited - llm0.rateLimited,
      retries: llm.retries - llm0.retries,
      failedCalls: llm.failedCalls - llm0.failedCalls,
    },
    wallMs,
    cpuPercent: wallMs > 0 ? ((cpu.user + cpu.system) / 1_000 / wallMs) * 100 : 0,
    cpuMsPerSession: raw.started > 0 ? (cpu.user + cpu.system) / 1_000 / raw.started : 0,
  };
}

/** Peak PostgreSQL backends serving `database`, sampled from pg_stat_activity on a direct connection. */
async function sampleServerConnections(probe: { adminUrl: string; database: string }): Promise<{ stop(): Promise<number> }> {
  const client = new pg.Client({ connectionString: probe.adminUrl });
  await client.connect();
  let peak = 0;
  let busy = false;
  const read = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const r = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
        [probe.database],
      );
      peak = Math.max(peak, Number(r.rows[0]?.n ?? 0));
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => {
    void read().catch(() => undefined);
  }, SERVER_SAMPLE_EVERY_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 5));
      await read().catch(() => undefined);
      await client.end();
      return peak;
    },
  };
}
