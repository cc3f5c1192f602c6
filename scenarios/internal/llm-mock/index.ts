export { STRATEGIC_PROBLEM, variantOf } from './problem.js';
import { createLlm, type LlmSetup, type MockProfileOverrides } from '../../../engine/llm/index.js';

/**
 * The mock LLM clock shared by the LLM-timing scenarios (pure helpers, no state): a mock with a
 * fixed latency per call, and the conversion of measured (time-scaled) durations back to real time.
 */

/** Fixed (not random) latency per request: p50 = p99 makes the lognormal a constant. */
export function fixedLatency(llmMs: number, embeddingMs: number): MockProfileOverrides {
  const llm = { p50Ms: llmMs, p99Ms: llmMs };
  return { latency: { core: llm, fast: llm, embedding: { p50Ms: embeddingMs, p99Ms: embeddingMs } } };
}

/** The real LLM client (Anthropic SDK + Voyage over msw handlers) with a mock of the given clock. */
export function scaledLlm(options: { timeScale: number; seed: number; overrides: MockProfileOverrides; profile?: string }): LlmSetup {
  return createLlm({
    config: {
      mockProfile: options.profile ?? 'instant',
      timeScale: options.timeScale,
      seed: options.seed,
      mockOverrides: options.overrides,
    },
    costSink: { record: () => undefined },
  });
}

/**
 * Measured mock-clock milliseconds back to real time. Every mock delay was multiplied by
 * `timeScale`, the engine's own CPU work was not: dividing the whole duration by the scale also
 * inflates that CPU work by 1/timeScale, so the scenarios choose a scale where it stays small and
 * say how large it is (engine time at zero mock latency).
 */
export function toRealMs(scaledMs: number, timeScale: number): number {
  return timeScale > 0 ? scaledMs / timeScale : scaledMs;
}

/** A `ms` figure for summaries: "2.04 s" or "830 ms". */
export function fmtMs(ms: number): string {
  return ms >= 1_000 ? `${(ms / 1_000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** Median of a non-empty list (0 for an empty one). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
