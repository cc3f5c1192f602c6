import v8 from 'node:v8';
import vm from 'node:vm';
import { createMemoryPorts, runDeliberation, type DeliberationPorts } from '../../../engine/deliberation/index.js';
import type { LlmClient } from '../../../engine/llm/index.js';
import { variantOf } from '../llm-mock/index.js';

export type GcMethod = 'global.gc (--expose-gc)' | "v8.setFlagsFromString('--expose-gc')" | 'none';

/**
 * A full-GC function: `global.gc` when node runs with --expose-gc, else the flag is switched on
 * at run time and gc is taken from a fresh context (the bench's method). Without either, heap
 * figures include garbage and the method says so.
 */
export function findGc(): { gc: (() => void) | undefined; method: GcMethod } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return { gc: g, method: 'global.gc (--expose-gc)' };
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    if (typeof fn === 'function') return { gc: fn as () => void, method: "v8.setFlagsFromString('--expose-gc')" };
  } catch {
    // fall through: no GC available
  }
  return { gc: undefined, method: 'none' };
}

export interface HeapSample {
  sessions: number;
  beforeBytes: number;
  heldBytes: number;
  afterBytes: number;
  perSessionBytes: number;
}

/**
 * N sessions held mid-deliberation: each sub-problem is stopped at its first vote call (after its
 * last round and pruning, when its contribution list is complete), so every sub-problem state of
 * every session is alive at once. Sessions start one after another, each once the previous one
 * has parked. heapUsed after a full GC, minus the same before the sessions
 * started, divided by N. Zero mock latency: nothing but the held sessions is in flight.
 */
export async function heapPerSession(
  llm: LlmClient,
  gc: (() => void) | undefined,
  input: { sessions: number; subProblems: number; pruning: boolean; tag: string; signal: AbortSignal },
): Promise<HeapSample> {
  const seen = new Set<string>();
  const parkedOf = new Map<string, number>();
  const onPark = new Map<string, () => void>();
  // One gate per session: released one session at a time after the measurement, for the same reason.
  const gates = new Map<string, { wait: Promise<void>; open: () => void }>();
  const gateOf = (id: string): { wait: Promise<void>; open: () => void } => {
    let g = gates.get(id);
    if (g === undefined) {
      let open!: () => void;
      const wait = new Promise<void>((r) => {
        open = r;
      });
      g = { wait, open };
      gates.set(id, g);
    }
    return g;
  };
  const base = createMemoryPorts(llm, { keep: false });
  const ports: DeliberationPorts = {
    ...base,
    llm: {
      complete: async (req) => {
        if (req.role === 'voting') {
          const id = req.context.sessionId ?? '';
          const key = `${id}:${req.context.subProblemIndex ?? -1}`;
          if (!seen.has(key)) {
            seen.add(key);
            const n = (parkedOf.get(id) ?? 0) + 1;
            parkedOf.set(id, n);
            if (n === input.subProblems) onPark.get(id)?.();
            await gateOf(id).wait;
          }
        }
        return llm.complete(req);
      },
      embed: (texts, context) => llm.embed(texts, context),
    },
  };
  const full = (): void => {
    gc?.();
    gc?.();
  };
  full();
  const beforeBytes = process.memoryUsage().heapUsed;
  // One session at a time until it parks, so all N are held at once at the end. Started together,
  // N x sub-problems calls finish in the same timer tick and their continuations run as one task
  // of seconds (measured: 50 x 5 held a 2-core box's loop for up to 3.2 s): a generator stall
  // that says nothing about memory. The bytes held at the end are the same either way.
  const runs: Promise<unknown>[] = [];
  let heldBytes: number;
  try {
    for (let i = 0; i < input.sessions; i++) {
      const sessionId = `${input.tag}-${i}`;
      const parked = new Promise<void>((r) => onPark.set(sessionId, r));
      const run = runDeliberation(
        ports,
        { sessionId, userId: 'loadlab', problem: variantOf(i), signal: input.signal },
        {
          settings: { subProblems: input.subProblems, pruning: input.pruning },
          limits: { maxSubProblems: Math.max(4, input.subProblems) },
        },
      );
      runs.push(run);
      // A session that ends before parking (an error, or fewer sub-problems) must not hang the wait.
      await Promise.race([parked, run]);
    }
    await new Promise((r) => setImmediate(r));
    full();
    heldBytes = process.memoryUsage().heapUsed;
  } catch (err) {
    // Let the parked sessions finish in the background; their outcome no longer matters.
    for (const r of runs) r.catch(() => undefined);
    for (const g of gates.values()) g.open();
    throw err;
  }
  for (let i = 0; i < runs.length; i++) {
    gateOf(`${input.tag}-${i}`).open();
    await runs[i]?.catch(() => undefined);
  }
  const settled = await Promise.allSettled(runs);
  const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  full();
  const afterBytes = process.memoryUsage().heapUsed;
  return { sessions: input.sessions, beforeBytes, heldBytes, afterBytes, perSessionBytes: (heldBytes - beforeBytes) / input.sessions };
}
