import { createMemoryPorts, runDeliberation, type DeliberationPorts, type SubProblemMode } from '../../../engine/deliberation/index.js';
import type { LlmClient } from '../../../engine/llm/index.js';
import { STRATEGIC_PROBLEM } from '../llm-mock/index.js';
import { maxInFlight } from './round-stats.js';
import { RoundTracer, type RoundTrace } from './round-trace.js';

export interface SpInterval {
  index: number;
  start: number;
  end: number;
}

export interface TimedSession {
  variant: 'audited' | 'optimized';
  wallMs: number;
  subProblems: SpInterval[];
  /** Per round: persona phase (round_started -> its last contribution), ms, and the number of speakers. */
  roundPhases: { ms: number; speakers: number }[];
  /** The engine's rounds with their completion calls (C48, C49). */
  roundTraces: RoundTrace[];
  llmCalls: number;
  rounds: number[];
}

/**
 * One whole deliberation through `runDeliberation` with in-memory ports (no database: the timing
 * under study is the LLM critical path), recording when each sub-problem and round ran.
 */
export async function timeSession(
  llm: LlmClient,
  input: { sessionId: string; subProblems: number; mode: SubProblemMode; variant: 'audited' | 'optimized'; signal: AbortSignal },
): Promise<TimedSession> {
  const tracer = new RoundTracer();
  const base = createMemoryPorts(tracer.port(llm), { keep: false });
  const sp = new Map<number, SpInterval>();
  const ports: DeliberationPorts = {
    ...base,
    events: {
      emit: async (_sessionId, type, data) => {
        const now = performance.now();
        const index = typeof data['sub_problem_index'] === 'number' ? data['sub_problem_index'] : -1;
        if (type === 'subproblem_started') sp.set(index, { index, start: now, end: Number.NaN });
        else if (type === 'subproblem_complete') {
          const s = sp.get(index);
          if (s !== undefined) s.end = now;
        } else tracer.event(type, data, now);
      },
    },
  };
  const t0 = performance.now();
  const result = await runDeliberation(
    ports,
    { sessionId: input.sessionId, userId: 'loadlab', problem: STRATEGIC_PROBLEM, signal: input.signal },
    {
      variant: input.variant,
      settings: { subProblems: input.subProblems, subProblemMode: input.mode },
      limits: { maxSubProblems: Math.max(4, input.subProblems) },
    },
  );
  const roundTraces = tracer.rounds();
  return {
    variant: input.variant,
    wallMs: performance.now() - t0,
    subProblems: [...sp.values()].sort((a, b) => a.index - b.index),
    roundPhases: roundTraces.map((r) => ({ ms: r.lastContribution - r.start, speakers: r.speakers })),
    roundTraces,
    llmCalls: result.counters.llmCalls,
    rounds: result.subProblems.map((s) => s.rounds),
  };
}

/** Largest number of sub-problems running at the same moment (1 = strictly one after another). */
export function maxOverlap(intervals: readonly SpInterval[]): number {
  return maxInFlight(intervals);
}
