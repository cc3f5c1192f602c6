import type { SubProblemMode } from '../../../engine/deliberation/index.js';
import type { LlmClient, MockProfileOverrides } from '../../../engine/llm/index.js';
import { median } from '../llm-mock/index.js';
import { timeRound, type RoundMode } from './round.js';
import { timeSession } from './session.js';

/*
 * C14 and C16 re-run at the ends of their constants (issue #14): the same round and session code
 * with a different persona count or a lognormal latency instead of the fixed one. Each function
 * returns the claim's ratio at that end; the scenario reads the verdict off it.
 */

/**
 * Lognormal latencies with the given p99 / p50 (the mock draws each call's latency from the
 * lognormal through its p50 and p99); embeddings keep their fixed latency.
 */
export function spreadLatency(llmMs: number, embeddingMs: number, p99OverP50: number): MockProfileOverrides {
  const llm = { p50Ms: llmMs, p99Ms: llmMs * p99OverP50 };
  return { latency: { core: llm, fast: llm, embedding: { p50Ms: embeddingMs, p99Ms: embeddingMs } } };
}

/** Median serial round / median parallel round over `repeats` alternating pairs (mock clock; the scale cancels). */
export async function roundSpeedup(
  llm: LlmClient,
  input: { personas: number; repeats: number; tag: string; signal: AbortSignal },
): Promise<number> {
  const per: Record<RoundMode, number[]> = { parallel: [], serial: [] };
  for (let r = 0; r < input.repeats; r++) {
    for (const mode of r % 2 === 0 ? (['parallel', 'serial'] as const) : (['serial', 'parallel'] as const)) {
      input.signal.throwIfAborted();
      per[mode].push(await timeRound(llm, input.personas, mode, `${input.tag}${r}`));
    }
  }
  return median(per.serial) / median(per.parallel);
}

/**
 * Sequential / parallel session time at each multi-sub-problem count, one session of each at once
 * (as one repeat of the main measurement), and the median over the counts: C16's value.
 */
export async function sessionSpeedup(
  llm: LlmClient,
  input: { counts: readonly number[]; tag: string; signal: AbortSignal },
): Promise<{ value: number; perCount: { k: number; ratio: number }[] }> {
  const modes: SubProblemMode[] = ['sequential', 'parallel'];
  const jobs = input.counts.flatMap((k) => modes.map((mode) => ({ k, mode })));
  const walls = await Promise.all(
    jobs.map(async ({ k, mode }) => {
      const t = await timeSession(llm, {
        sessionId: `${input.tag}-${k}-${mode}`,
        subProblems: k,
        mode,
        variant: 'optimized',
        signal: input.signal,
      });
      return { k, mode, ms: t.wallMs };
    }),
  );
  const wall = (k: number, mode: SubProblemMode): number => walls.find((w) => w.k === k && w.mode === mode)?.ms ?? Number.NaN;
  const perCount = input.counts.map((k) => ({ k, ratio: wall(k, 'sequential') / wall(k, 'parallel') }));
  return { value: median(perCount.map((c) => c.ratio)), perCount };
}
