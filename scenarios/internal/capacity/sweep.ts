import type { Engine } from '../../../engine/index.js';
import { bindingLimit, scoreLimits, type LimitName, type LimitScores } from './limits.js';
import { runLevel, type LevelRun } from './level.js';
import type { ProblemInput } from './session-op.js';

export interface LevelLimits {
  concurrency: number;
  run: LevelRun;
  scores: LimitScores;
  binding: LimitName | null;
  completed: number;
  /** Sessions that did not complete, all causes (rate-limit failures included). */
  failed: number;
  /** Real sessions/s: completed / level wall time x timeScale. */
  sessionsPerS: number;
  /** Per session started (completed + failed): 429s and SDK retries. */
  rateLimitedPerSession: number;
  retriesPerSession: number;
  /** api_costs total of every attempt in the level window (failed attempts and failed sessions included) / completed sessions. */
  costPerCompletedUsd: number | null;
}

/**
 * One variant's sweep: the levels in order on one engine (one mock, so the rate-limit buckets
 * carry over from level to level as a provider's would), then the cost of each level from
 * api_costs, which holds every attempt, retries included.
 */
export async function sweepVariant(
  engine: Engine,
  input: {
    levels: readonly number[];
    sessionsPerWorker: number;
    timeScale: number;
    problem: ProblemInput;
    signal: AbortSignal;
    onLevel(n: number): void;
  },
): Promise<LevelLimits[]> {
  const runs: LevelRun[] = [];
  for (const n of input.levels) {
    input.onLevel(n);
    input.signal.throwIfAborted();
    runs.push(
      await runLevel(engine, {
        concurrency: n,
        sessionsPerWorker: input.sessionsPerWorker,
        problem: input.problem,
        userId: 'capacity',
        signal: input.signal,
      }),
    );
  }
  await engine.costs.flush();
  const out: LevelLimits[] = [];
  for (const run of runs) {
    const cost = await engine.db.query<{ usd: string | null }>(
      `SELECT sum(total_cost)::float8 AS usd FROM api_costs WHERE created_at >= to_timestamp($1::float8 / 1000) AND created_at <= to_timestamp($2::float8 / 1000)`,
      [run.startEpochMs, run.endEpochMs],
      { name: 'capacity.level_cost' },
    );
    // Failed attempts are cost rows too (priced at what the provider billed: nothing for a 429), so this already includes retries.
    const usd = Number(cost.rows[0]?.usd ?? 0);
    const failed = Object.values(run.raw.errors).reduce((a, b) => a + b, 0);
    const completed = run.raw.ok;
    const started = completed + failed;
    const scores = scoreLimits(run.signals);
    const wallS = (run.endEpochMs - run.startEpochMs) / 1_000;
    out.push({
      concurrency: run.concurrency,
      run,
      scores,
      binding: bindingLimit(scores),
      completed,
      failed,
      sessionsPerS: wallS > 0 ? (completed / wallS) * input.timeScale : 0,
      rateLimitedPerSession: started > 0 ? run.llm.rateLimited / started : 0,
      retriesPerSession: started > 0 ? run.llm.retries / started : 0,
      costPerCompletedUsd: completed > 0 ? usd / completed : null,
    });
  }
  return out;
}
