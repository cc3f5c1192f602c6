import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Engine } from '../../../engine/index.js';
import { runClosedModel, type LoadResult } from '../../../harness/load/index.js';

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
}

/**
 * One concurrency level: N workers each run `sessionsPerWorker` whole sessions back to back
 * (create -> run to completion through the SessionManager), so every level measures complete
 * sessions only. A session that does not complete counts as an error.
 */
export async function runLevel(engine: Engine, input: { concurrency: number; sessionsPerWorker: number; problem: string; userId: string; signal: AbortSignal }): Promise<LevelRun> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const startEpochMs = Date.now();
  const durations: number[] = [];
  const raw = await runClosedModel({
    concurrency: input.concurrency,
    count: input.concurrency * input.sessionsPerWorker,
    signal: input.signal,
    op: async () => {
      const start = performance.now();
      const { id } = await engine.createSession({ userId: input.userId, problem: input.problem });
      const outcome = await engine.runSession(id);
      if (outcome.status !== 'completed') throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
      durations.push(performance.now() - start);
    },
  });
  const wallUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  return {
    concurrency: input.concurrency, raw, startEpochMs, endEpochMs: Date.now(),
    cpuPercent: wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0,
    eventLoopP99Ms: loop.count === 0 ? 0 : loop.percentile(99) / 1e6,
    durations,
  };
}

/** Peak number of overlapping [start, end] intervals (epoch ms) inside a window. */
export function peakOverlap(intervals: readonly { start: number; end: number }[], from: number, to: number): number {
  const edges = intervals
    .filter((i) => i.end >= from && i.start <= to)
    .flatMap((i) => [{ t: i.start, d: 1 }, { t: i.end, d: -1 }])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const e of edges) {
    cur += e.d;
    max = Math.max(max, cur);
  }
  return max;
}
