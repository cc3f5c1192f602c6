import type { Engine } from '../../../engine/index.js';
import type { ProblemSource } from './subproblem-draw.js';

/** One completed session's shape, from its outcome (what the engine executed, not what was asked). */
export interface SessionShape {
  /** Wall duration (ms), create to end. */
  durationMs: number;
  /** The count drawn for it (null: the problem was fixed and the engine's setting decided). */
  drawn: number | null;
  /** Sub-problems the deliberation ran. */
  subProblems: number;
  /** Executed rounds of each of its sub-problems. */
  rounds: number[];
}

/** What the session op of a capacity run has seen so far. */
export interface SessionOpTally {
  /** Wall durations (ms) of completed sessions, create to end. */
  durations: number[];
  /** Sessions that ended because an LLM call ran out of the SDK's retries on 429s. */
  failedRateLimited: number;
  /** Completed sessions, in completion order. */
  shapes: SessionShape[];
}

/** One problem for every session, or a source that gives each session its own (drawn sub-problem counts). */
export type ProblemInput = string | ProblemSource;

/** A fresh tally. */
export function emptyTally(): SessionOpTally {
  return { durations: [], failedRateLimited: 0, shapes: [] };
}

/**
 * One whole session as a load-driver op: create, run to its end, record its duration and shape. A
 * session that does not complete throws with its error code, so the driver counts it by code.
 */
export function sessionOp(engine: Engine, input: { userId: string; problem: ProblemInput }, tally: SessionOpTally): () => Promise<void> {
  return async () => {
    const start = performance.now();
    const pick = typeof input.problem === 'string' ? { problem: input.problem, subProblems: null } : input.problem.next();
    const { id } = await engine.createSession({ userId: input.userId, problem: pick.problem });
    const outcome = await engine.startSession(id);
    if (outcome.status !== 'completed') {
      if (/\b429\b/.test(outcome.error.message)) tally.failedRateLimited += 1;
      throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
    }
    const durationMs = performance.now() - start;
    tally.durations.push(durationMs);
    const sps = outcome.result.subProblems;
    tally.shapes.push({ durationMs, drawn: pick.subProblems, subProblems: sps.length, rounds: sps.map((s) => s.rounds) });
  };
}
