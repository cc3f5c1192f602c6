import type { ModelTier } from '../models.js';
import type { MockProfile } from './profiles.js';
import { sampleLatency } from './random.js';

/** How long one response takes, in provider (unscaled) milliseconds. */
export interface ResponseTiming {
  readonly ttftMs: number;
  readonly perTokenMs: number;
  /** Time to the last byte: the whole wait of a non-streamed call. */
  readonly totalMs: number;
}

/**
 * Token-rate latency when the profile has a generation model (TTFT + tokens x per-token time),
 * the whole-call distribution otherwise. `slowdown` >= 1 stretches generation when the provider
 * is past its concurrency ceiling (overloadSlowdown).
 */
export function responseTiming(
  profile: MockProfile,
  tier: ModelTier,
  outputTokens: number,
  stream: boolean,
  rand: () => number,
  slowdown: number,
): ResponseTiming {
  const gen = profile.generation?.[tier];
  if (gen === undefined) {
    // Without a generation model a stream uses the stream timings, a plain call the whole-call figure.
    if (!stream) return { ttftMs: 0, perTokenMs: 0, totalMs: sampleLatency(profile.latency[tier], rand) * slowdown };
    const ttftMs = sampleLatency(profile.stream.ttft, rand) * slowdown;
    const perTokenMs = profile.stream.interTokenMs * slowdown;
    return { ttftMs, perTokenMs, totalMs: ttftMs + perTokenMs * outputTokens };
  }
  const ttftMs = sampleLatency(gen.ttft, rand) * slowdown;
  const perTokenMs = sampleLatency(gen.perToken, rand) * slowdown;
  return { ttftMs, perTokenMs, totalMs: ttftMs + perTokenMs * outputTokens };
}

/**
 * Past the ceiling the provider's capacity is shared: each request gets maxConcurrent/inFlight of
 * a slot, so generation takes inFlight/maxConcurrent times longer (processor sharing).
 */
export function overloadSlowdown(profile: MockProfile, inFlight: number): number {
  const max = profile.overload.maxConcurrent;
  return max > 0 && inFlight > max ? inFlight / max : 1;
}

/** Probability that a request arriving with `inFlight` others gets 529 overloaded_error. */
export function overloadedProbability(profile: MockProfile, inFlight: number): number {
  const o = profile.overload;
  if (o.maxConcurrent <= 0 || inFlight < o.maxConcurrent) return 0;
  return Math.min(o.maxOverloadedRate, ((inFlight + 1 - o.maxConcurrent) / o.maxConcurrent) * o.overloadedSlope);
}
