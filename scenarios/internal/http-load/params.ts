export const ENDPOINTS = ['listing', 'detail', 'actions', 'health'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];
export const VARIANTS = ['audited', 'optimized'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface HttpLoadParams {
  /** Fixed request rate per endpoint, req/s (autocannon -R). */
  ratePerSec: number;
  connections: number;
  /**
   * Length of one measured window at `ratePerSec`: each endpoint × variant × round gets
   * ratePerSec × durationSec requests, a fixed count so n does not shrink when the server is slow.
   */
  durationSec: number;
  /** Per server start: every endpoint at once at `ratePerSec` for this long, excluded from every figure. */
  warmupSec: number;
  /** Rounds alternate the variant order (A B, B A, ...); windows of all rounds are merged. */
  rounds: number;
  /** Variants whose windows of round 1 the autocannon CLI re-measures (calibration). */
  calibrate: readonly Variant[];
  /** Endpoints of those variants it re-measures (ci: the two the SLO budgets gate). */
  calibrateEndpoints: readonly Endpoint[];
}

/** bo1's own SLO (bo1-facts §9.3): API p95 < 500 ms, 5xx < 0.5 %. */
export const SLO_P95_MS = 500;

/** `http.<endpoint>.<variant>`: the merged latency histogram the budgets and comparisons read. */
export const histogramName = (e: Endpoint, v: Variant): string => `http.${e}.${v}`;

/** `GET listing (optimized)`: a calibration row's subject. */
export const subjectOf = (e: Endpoint, v: Variant): string => `GET ${e} (${v})`;
