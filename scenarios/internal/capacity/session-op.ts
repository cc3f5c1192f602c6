import type { Engine } from '../../../engine/index.js';

/** What the session op of a capacity run has seen so far. */
export interface SessionOpTally {
  /** Wall durations (ms) of completed sessions, create to end. */
  durations: number[];
  /** Sessions that ended because an LLM call ran out of the SDK's retries on 429s. */
  failedRateLimited: number;
}

/**
 * One whole session as a load-driver op: create, run to its end, record its duration. A session
 * that does not complete throws with its error code, so the driver counts it by code.
 */
export function sessionOp(engine: Engine, input: { userId: string; problem: string }, tally: SessionOpTally): () => Promise<void> {
  return async () => {
    const start = performance.now();
    const { id } = await engine.createSession({ userId: input.userId, problem: input.problem });
    const outcome = await engine.startSession(id);
    if (outcome.status !== 'completed') {
      if (/\b429\b/.test(outcome.error.message)) tally.failedRateLimited += 1;
      throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
    }
    tally.durations.push(performance.now() - start);
  };
}
