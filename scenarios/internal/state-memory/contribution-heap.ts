import {
  createMemoryPorts,
  runDeliberation,
  type DeliberationPorts,
  type DeliberationState,
  type SubProblemState,
} from '../../../engine/deliberation/index.js';
import type { LlmClient } from '../../../engine/llm/index.js';
import { median, variantOf } from '../llm-mock/index.js';

/** One sub-problem's contribution list: the engine's own array, with its own strings. */
export type ContributionList = SubProblemState['contributions'];

interface ListHeap {
  /** Contributions in the lists, and their UTF-8 JSON size (the retained-bytes measure). */
  contributions: number;
  jsonBytes: number;
  /** heapUsed after a full GC with every list held, and again after all were dropped. */
  heldBytes: number;
  releasedBytes: number;
  /** heldBytes - releasedBytes: the heap those lists, and nothing else, kept alive. */
  heapBytes: number;
  /** The same, one session's lists at a time (dropped one session after the other). */
  perSessionBytes: number[];
}

export interface ContributionHeapSample extends ListHeap {
  sessions: number;
  subProblems: number;
  /** Executed rounds summed over every sub-problem of every session (the engine's outcomes). */
  rounds: number;
  /** true: the sessions ran at once; false: one after the other (their lists were kept all the same). */
  concurrent: boolean;
}

/**
 * Keeps a sub-problem's list as of the round that set its stop reason: the last round, whose list
 * the engine holds until the sub-problem completes (then it drops it). Reads the checkpointed state
 * synchronously, as the checkpoint port's contract asks.
 */
export function keepLastRoundLists(state: DeliberationState, into: Map<number, ContributionList>): void {
  for (const sp of Object.values(state.subProblems)) {
    if (sp.stage === 'rounds' && sp.reason !== undefined) into.set(sp.index, sp.contributions);
  }
}

/**
 * Counted in a function of its own: a loop's temporaries (the iterator, a flattened copy) can stay
 * in a register of a frame that is still running, and would keep every list alive through the GCs.
 */
function sizeOf(sessions: readonly ContributionList[][]): { contributions: number; jsonBytes: number } {
  let contributions = 0;
  let jsonBytes = 0;
  for (const list of sessions.flat()) {
    contributions += list.length;
    jsonBytes += list.reduce((a, c) => a + Buffer.byteLength(JSON.stringify(c), 'utf8'), 0);
  }
  return { contributions, jsonBytes };
}

const FLUSH_GCS = 6;

/**
 * The V8 heap held by contribution lists alone, given by reference after their sessions finished
 * (so nothing else of a session is alive): heapUsed after a full GC with every list held, then after
 * dropping one session's lists at a time. Empties `sessions`: the caller must hold no other reference.
 */
export function measureListHeap(sessions: ContributionList[][], gc: () => void): ListHeap {
  const { contributions, jsonBytes } = sizeOf(sessions);
  // V8 flushes the bytecode of a function not run for 5 full GCs (--bytecode-old-age): code last run
  // before this point would be flushed during the reads below and counted as list heap (~20 KB a
  // session after another scenario ran in the same process). Six unrecorded GCs flush it first; the
  // code run here runs at every read. Each figure is then the median of three reads.
  const read = (): number => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  for (let i = 0; i < FLUSH_GCS; i++) read();
  const heapAfterGc = (): number => median([read(), read(), read()]);
  const heldBytes = heapAfterGc();
  const perSessionBytes: number[] = [];
  let last = heldBytes;
  while (sessions.length > 0) {
    // Shortening, not pop(): no popped value left behind in a register.
    sessions.length -= 1;
    const now = heapAfterGc();
    perSessionBytes.push(last - now);
    last = now;
  }
  return { contributions, jsonBytes, heldBytes, releasedBytes: last, heapBytes: heldBytes - last, perSessionBytes };
}

/** The kept lists by session, emptying `kept` (in a function of its own, see sizeOf). */
function takeLists(kept: Map<string, Map<number, ContributionList>>): ContributionList[][] {
  const sessions = [...kept.values()].map((m) => [...m.values()]);
  for (const m of kept.values()) m.clear();
  kept.clear();
  return sessions;
}

/**
 * The contribution lists of N sessions run without pruning (one after another, all lists kept), each sub-problem's list taken
 * from the state the engine checkpoints after its last round; their heap once every session has
 * finished (measureListHeap).
 */
export async function contributionHeap(
  llm: LlmClient,
  gc: () => void,
  input: { sessions: number; subProblems: number; tag: string; signal: AbortSignal },
): Promise<ContributionHeapSample> {
  const kept = new Map<string, Map<number, ContributionList>>();
  const base = createMemoryPorts(llm, { keep: false });
  const ports: DeliberationPorts = {
    ...base,
    checkpoints: {
      save: async (sessionId, state) => {
        const lists = kept.get(sessionId) ?? new Map<number, ContributionList>();
        kept.set(sessionId, lists);
        keepLastRoundLists(state, lists);
      },
    },
  };
  // One session after another: the lists are measured once all have finished, so running them at
  // once changes nothing in the figure, but makes every call of every session finish in the same
  // timer tick, a loop stall of seconds (see heapPerSession).
  const results: Awaited<ReturnType<typeof runDeliberation>>[] = [];
  for (let i = 0; i < input.sessions; i++) {
    results.push(
      await runDeliberation(
        ports,
        { sessionId: `${input.tag}-${i}`, userId: 'loadlab', problem: variantOf(i), signal: input.signal },
        { settings: { subProblems: input.subProblems, pruning: false }, limits: { maxSubProblems: Math.max(4, input.subProblems) } },
      ),
    );
  }
  const rounds = results.reduce((a, r) => a + r.subProblems.reduce((b, o) => b + o.rounds, 0), 0);
  const sessions = takeLists(kept);
  return { ...measureListHeap(sessions, gc), sessions: input.sessions, subProblems: input.subProblems, rounds, concurrent: true };
}
