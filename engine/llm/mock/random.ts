import { seededRandom } from '../../random/index.js';

/** Deterministic randomness for the mock: the same seed and request give the same response. */

/** FNV-1a 32-bit: cheap, stable across runs and platforms. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The project's one seeded PRNG (engine/random). */
export const prng = seededRandom;

/** Standard normal deviate by Box-Muller. */
export function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export interface LatencyDistribution {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const Z99 = 2.3263478740408408;

/**
 * Lognormal sample whose median is p50 and 99th percentile p99: API latencies are right-skewed,
 * and two percentiles are what a provider's dashboard (or our own measurements) give.
 */
export function sampleLatency(dist: LatencyDistribution, rand: () => number): number {
  if (dist.p50Ms <= 0) return 0;
  const mu = Math.log(dist.p50Ms);
  const sigma = dist.p99Ms > dist.p50Ms ? (Math.log(dist.p99Ms) - mu) / Z99 : 0;
  return Math.exp(mu + sigma * normal(rand));
}
