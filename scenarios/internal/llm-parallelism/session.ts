import { createMemoryPorts, runDeliberation, type DeliberationPorts, type SubProblemMode } from '../../../engine/deliberation/index.js';
import type { LlmClient } from '../../../engine/llm/index.js';
import { STRATEGIC_PROBLEM } from '../llm-mock/index.js';

export interface SpInterval {
  index: number;
  start: number;
  end: number;
}

export interface TimedSession {
  wallMs: number;
  subProblems: SpInterval[];
  /** Per round: persona phase (round_started -> its last contribution), ms, and the number of speakers. */
  roundPhases: { ms: number; speakers: number }[];
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
  const base = createMemoryPorts(llm, { keep: false });
  const sp = new Map<number, SpInterval>();
  const rounds = new Map<string, { start: number; last: number; speakers: number }>();
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
        } else if (type === 'round_started') {
          const experts = Array.isArray(data['experts']) ? data['experts'].length : 0;
          rounds.set(`${index}:${String(data['round'])}`, { start: now, last: now, speakers: experts });
        } else if (type === 'contribution') {
          const r = rounds.get(`${index}:${String(data['round'])}`);
          if (r !== undefined) r.last = now;
        }
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
  return {
    wallMs: performance.now() - t0,
    subProblems: [...sp.values()].sort((a, b) => a.index - b.index),
    roundPhases: [...rounds.values()].map((r) => ({ ms: r.last - r.start, speakers: r.speakers })),
    llmCalls: result.counters.llmCalls,
    rounds: result.subProblems.map((s) => s.rounds),
  };
}

/** Largest number of sub-problems running at the same moment (1 = strictly one after another). */
export function maxOverlap(intervals: readonly SpInterval[]): number {
  const edges = intervals
    .flatMap((i) => [
      { t: i.start, d: 1 },
      { t: i.end, d: -1 },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const e of edges) {
    cur += e.d;
    max = Math.max(max, cur);
  }
  return max;
}
