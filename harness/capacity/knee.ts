import type { CapacityLevel } from '../result/index.js';

export type KneeMethod = 'marginal-gain' | 'max-power';

export interface KneeOptions {
  method?: KneeMethod;
  /**
   * marginal-gain: the knee is the last level before throughput gained per added unit of
   * concurrency falls below this share of the first step's gain.
   */
  threshold?: number;
}

export const KNEE_DEFAULTS = { method: 'marginal-gain', threshold: 0.25 } as const;

export interface Knee {
  concurrency: number;
  throughput: number;
  method: string;
}

/**
 * The knee of a concurrency sweep: past it, adding concurrency buys mostly latency. Two common
 * definitions: marginal gain (the curve flattens) and Kleinrock's power (max throughput / p95).
 */
export function findKnee(levels: readonly CapacityLevel[], opts: KneeOptions = {}): Knee | null {
  const sorted = [...levels].sort((a, b) => a.concurrency - b.concurrency);
  if (sorted.length < 2) return null;
  const method = opts.method ?? KNEE_DEFAULTS.method;
  if (method === 'max-power') {
    let best = sorted[0]!;
    let bestPower = -1;
    for (const l of sorted) {
      const power = l.latencyP95Ms > 0 ? l.throughput / l.latencyP95Ms : 0;
      if (power > bestPower) {
        best = l;
        bestPower = power;
      }
    }
    return { concurrency: best.concurrency, throughput: best.throughput, method: 'max throughput / p95 latency (power)' };
  }
  const threshold = opts.threshold ?? KNEE_DEFAULTS.threshold;
  const slope = (a: CapacityLevel, b: CapacityLevel): number => (b.throughput - a.throughput) / (b.concurrency - a.concurrency);
  const first = slope(sorted[0]!, sorted[1]!);
  // A sweep whose throughput never flattens has no knee inside it: returning the top level would
  // read as a measured limit when it is only where the sweep stopped.
  let knee: CapacityLevel | undefined;
  for (let i = 1; i < sorted.length; i++) {
    if (first <= 0 || slope(sorted[i - 1]!, sorted[i]!) < threshold * first) {
      knee = sorted[i - 1]!;
      break;
    }
  }
  if (knee === undefined) return null;
  return {
    concurrency: knee.concurrency,
    throughput: knee.throughput,
    method: `marginal throughput gain below ${Math.round(threshold * 100)}% of the first step`,
  };
}
