import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Engine } from '../../../engine/index.js';
import { runClosedModel, type LoadResult } from '../../../harness/load/index.js';
import type { LimitSignals } from './limits.js';
import { emptyTally, sessionOp, type ProblemInput, type SessionShape } from './session-op.js';
import { sampleEngine } from './engine-sampler.js';
import { timeStatements, type DbTiming } from './db-timing.js';

// Queueing behind the session cap or the pool is a state, not an event with a counter: sample it.
const SAMPLE_EVERY_MS = 20;

export interface LevelRun {
  concurrency: number;
  raw: LoadResult;
  /** Wall window of the level (performance.now() origin converted to epoch ms), for in-flight counting. */
  startEpochMs: number;
  endEpochMs: number;
  /** Harness + engine process CPU over the level, % of one core. */
  cpuPercent: number;
  eventLoopP99Ms: number;
  /** Mock-clock duration of every completed session, ms. */
  durations: number[];
  /** Every completed session's sub-problems and rounds, as the engine ran them. */
  shapes: SessionShape[];
  /** What the limit classification reads (limits.ts), as deltas over the level. */
  signals: LimitSignals;
  /** LLM client counters over the level. */
  llm: {
    calls: number;
    attempts: number;
    rateLimited: number;
    overloaded: number;
    retries: number;
    failedCalls: number;
    failedAttemptCostUsd: number;
  };
  peakWaitingStarts: number;
  peakPoolWaiting: number;
  /** Pool acquire-wait p99 over the level (the pool's histogram is reset at the level start), ms. */
  poolAcquireP99Ms: number;
  /** Sessions that failed because an LLM call ran out of retries on 429s (the rate limit, not an engine fault). */
  failedRateLimited: number;
  /** Statement times over the level (engine tracer). */
  db: DbTiming;
}

function llmSnapshot(engine: Engine) {
  const l = engine.llm.stats();
  const by = engine.llm.mock?.stats().rateLimited;
  return {
    calls: l.calls,
    attempts: l.attempts,
    rateLimited: l.rateLimited,
    overloaded: l.overloaded,
    retries: l.retries,
    failedCalls: l.failedCalls,
    failedAttemptCostUsd: l.failedAttemptCostUsd,
    by: { requests: by?.requests ?? 0, input_tokens: by?.input_tokens ?? 0, output_tokens: by?.output_tokens ?? 0 },
  };
}

/**
 * One concurrency level: N workers each run `sessionsPerWorker` whole sessions back to back
 * (create -> run to completion through the SessionManager), so every level measures complete
 * sessions only. A session that does not complete counts as an error.
 */
export async function runLevel(
  engine: Engine,
  input: { concurrency: number; sessionsPerWorker: number; problem: ProblemInput; userId: string; signal: AbortSignal },
): Promise<LevelRun> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  engine.db.resetMetrics();
  const before = llmSnapshot(engine);
  const sampler = sampleEngine(engine, SAMPLE_EVERY_MS);
  const dbTimer = timeStatements(engine);
  const tally = emptyTally();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const startEpochMs = Date.now();
  const raw = await runClosedModel({
    concurrency: input.concurrency,
    count: input.concurrency * input.sessionsPerWorker,
    signal: input.signal,
    op: sessionOp(engine, input, tally),
  });
  const sampled = sampler.stop();
  const db = dbTimer.stop();
  const after = llmSnapshot(engine);
  const poolAcquireP99Ms = engine.metrics().pool.acquireWaitMs.p99;
  const wallUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  return {
    concurrency: input.concurrency,
    raw,
    startEpochMs,
    endEpochMs: Date.now(),
    cpuPercent: wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0,
    eventLoopP99Ms: loop.count === 0 ? 0 : loop.percentile(99) / 1e6,
    durations: tally.durations,
    shapes: tally.shapes,
    signals: {
      attempts: after.attempts - before.attempts,
      rateLimitedBy: {
        requests: after.by.requests - before.by.requests,
        input_tokens: after.by.input_tokens - before.by.input_tokens,
        output_tokens: after.by.output_tokens - before.by.output_tokens,
      },
      samples: sampled.samples,
      samplesWithWaitingStarts: sampled.withWaitingStarts,
      samplesWithPoolWaiters: sampled.withPoolWaiters,
    },
    llm: {
      calls: after.calls - before.calls,
      attempts: after.attempts - before.attempts,
      rateLimited: after.rateLimited - before.rateLimited,
      overloaded: after.overloaded - before.overloaded,
      retries: after.retries - before.retries,
      failedCalls: after.failedCalls - before.failedCalls,
      failedAttemptCostUsd: after.failedAttemptCostUsd - before.failedAttemptCostUsd,
    },
    peakWaitingStarts: sampled.peakWaitingStarts,
    peakPoolWaiting: sampled.peakPoolWaiting,
    poolAcquireP99Ms,
    failedRateLimited: tally.failedRateLimited,
    db,
  };
}
