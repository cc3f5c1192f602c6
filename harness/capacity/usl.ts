import type { UslFit } from '../result/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';

export interface ThroughputPoint {
  /** Concurrency N. */
  n: number;
  /** Throughput X(N). */
  x: number;
}

/** X(N) = λN / (1 + σ(N−1) + κN(N−1)), Gunther's Universal Scalability Law. */
export function uslThroughput(n: number, p: { sigma: number; kappa: number; lambda: number }): number {
  return (p.lambda * n) / (1 + p.sigma * (n - 1) + p.kappa * n * (n - 1));
}

const shape = (n: number, sigma: number, kappa: number): number => n / (1 + sigma * (n - 1) + kappa * n * (n - 1));

// For fixed σ and κ the model is linear in λ, so λ has a closed form and the search is 2-D.
function profile(points: readonly ThroughputPoint[], sigma: number, kappa: number): { lambda: number; sse: number } {
  let sxf = 0;
  let sff = 0;
  for (const p of points) {
    const f = shape(p.n, sigma, kappa);
    sxf += p.x * f;
    sff += f * f;
  }
  const lambda = sff === 0 ? 0 : sxf / sff;
  let sse = 0;
  for (const p of points) sse += (p.x - lambda * shape(p.n, sigma, kappa)) ** 2;
  return { lambda, sse };
}

/**
 * Least-squares USL fit with no dependency: λ profiled out in closed form, a coarse grid over
 * σ ∈ [0, 1] and κ on a log scale finds the basin, then a shrinking pattern search refines it.
 * Needs at least three distinct concurrency levels (three parameters).
 */
export function fitUsl(points: readonly ThroughputPoint[]): UslFit {
  const distinct = new Set(points.map((p) => p.n));
  if (distinct.size < 3) {
    throw new LoadlabError(HARNESS_ERRORS.CAPACITY_INSUFFICIENT_DATA, `USL fit needs at least 3 concurrency levels, got ${distinct.size}`, {
      hint: 'sweep more levels, e.g. 1, 2, 4, 8, 16, 32',
    });
  }
  const kappas = [0, ...Array.from({ length: 61 }, (_, i) => 10 ** (-8 + i / 7.5))];
  let best = { sigma: 0, kappa: 0, sse: Number.POSITIVE_INFINITY };
  for (let si = 0; si <= 100; si++) {
    const sigma = si / 100;
    for (const kappa of kappas) {
      const { sse } = profile(points, sigma, kappa);
      if (sse < best.sse) best = { sigma, kappa, sse };
    }
  }
  // Pattern search: σ steps linearly, κ steps multiplicatively (it spans many decades).
  let stepS = 0.01;
  let stepK = 0.5;
  for (let iter = 0; iter < 400 && (stepS > 1e-9 || stepK > 1e-6); iter++) {
    let improved = false;
    const kBase = best.kappa === 0 ? 1e-9 : best.kappa;
    const candidates = [
      { sigma: best.sigma + stepS, kappa: best.kappa },
      { sigma: best.sigma - stepS, kappa: best.kappa },
      { sigma: best.sigma, kappa: kBase * (1 + stepK) },
      { sigma: best.sigma, kappa: best.kappa === 0 ? 0 : kBase / (1 + stepK) },
      { sigma: best.sigma, kappa: 0 },
    ];
    for (const c of candidates) {
      const sigma = Math.min(1, Math.max(0, c.sigma));
      const kappa = Math.max(0, c.kappa);
      const { sse } = profile(points, sigma, kappa);
      if (sse < best.sse - 1e-18) {
        best = { sigma, kappa, sse };
        improved = true;
      }
    }
    if (!improved) {
      stepS /= 2;
      stepK /= 2;
    }
  }
  const { lambda } = profile(points, best.sigma, best.kappa);
  const mean = points.reduce((a, p) => a + p.x, 0) / points.length;
  const sst = points.reduce((a, p) => a + (p.x - mean) ** 2, 0);
  const r2 = sst === 0 ? 1 : 1 - best.sse / sst;
  const peakConcurrency = best.kappa > 0 ? Math.sqrt((1 - best.sigma) / best.kappa) : null;
  const params = { sigma: best.sigma, kappa: best.kappa, lambda };
  return {
    ...params,
    peakConcurrency,
    peakThroughput: peakConcurrency === null ? null : uslThroughput(peakConcurrency, params),
    r2,
  };
}
