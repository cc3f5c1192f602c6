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
 * every session is alive at once. heapUsed after a full GC, minus the same before the sessions
 * started, divided by N. Zero mock latency: nothing but the held sessions is in flight.
 */
export async function heapPerSession(
  llm: LlmClient,
  gc: (() => void) | undefined,
  input: { sessions: number; subProblems: number; pruning: boolean; tag: string; signal: AbortSignal },
): Promise<HeapSample> {
  const target = input.sessions * input.subProblems;
  const seen = new Set<string>();
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let allHeld!: () => void;
  const held = new Promise<void>((r) => {
    allHeld = r;
  });
  const base = createMemoryPorts(llm, { keep: false });
  const ports: DeliberationPorts = {
    ...base,
    llm: {
      complete: async (req) => {
        if (req.role === 'voting') {
          const key = `${req.context.sessionId ?? ''}:${req.context.subProblemIndex ?? -1}`;
          if (!seen.has(key)) {
            seen.add(key);
            if (seen.size === target) allHeld();
            await gate;
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
  const runs = Array.from({ length: input.sessions }, (_, i) =>
    runDeliberation(
      ports,
      { sessionId: `${input.tag}-${i}`, userId: 'loadlab', problem: variantOf(i), signal: input.signal },
      { settings: { subProblems: input.subProblems, pruning: input.pruning }, limits: { maxSubProblems: Math.max(4, input.subProblems) } },
    ),
  );
  // A run that fails before it is held must not leave the others parked at the gate.
  const failed = Promise.race(runs.map((r) => r.then(() => new Promise<never>(() => undefined))));
  let heldBytes: number;
  try {
    await Promise.race([held, failed]);
    await new Promise((r) => setImmediate(r));
    full();
    heldBytes = process.memoryUsage().heapUsed;
  } finally {
    release();
  }
  const settled = await Promise.allSettled(runs);
  const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  full();
  const afterBytes = process.memoryUsage().heapUsed;
  return { sessions: input.sessions, beforeBytes, heldBytes, afterBytes, perSessionBytes: (heldBytes - beforeBytes) / input.sessions };
}
