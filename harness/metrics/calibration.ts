import type { CalibrationRow } from '../result/index.js';

/**
 * How far loadlab's figure may sit from an independent tool's figure for the same subject. The
 * median must agree within 0.77-1.3 (the harness adds at most 30 %, and is not mysteriously
 * faster than the tool either); tails are noisier on a shared 2-core machine, so p95 rows are
 * shown with a wider expectation and do not decide trust.
 */
export const CALIBRATION_BOUNDS = {
  p50: { low: 0.77, high: 1.3, enforced: true },
  p95: { low: 0.67, high: 1.5, enforced: false },
  /**
   * Below this independent median a ratio is shown but does not decide trust. `npm run bench:query`
   * shows why: its floor row (`SELECT $1::int`, one field) agrees with pgbench within ~6 %, but a
   * statement returning tens of rows pays node-postgres' per-field cost in JS (a string per field
   * and an object per row, even with rows kept as text; ~0.1 ms for the 10-row listing), which
   * libpq does in C and which alone exceeds 30 % of a sub-millisecond statement.
   */
  minEnforcedMs: 1,
} as const;

export interface CalibrationInput {
  subject: string;
  kind: CalibrationRow['kind'];
  mode?: CalibrationRow['mode'];
  statistic: CalibrationRow['statistic'];
  loadlab: number;
  loadlabN: number;
  independent: number;
  independentN: number;
  tool: string;
}

/** One calibration row (without its scenario, which the runner adds): ratio = loadlab / independent. */
export function calibrationRow(input: CalibrationInput): Omit<CalibrationRow, 'scenario'> {
  const b = CALIBRATION_BOUNDS[input.statistic];
  const ratio = input.independent > 0 ? input.loadlab / input.independent : Number.POSITIVE_INFINITY;
  const finite = Number.isFinite(ratio);
  return {
    subject: input.subject,
    kind: input.kind,
    ...(input.mode === undefined ? {} : { mode: input.mode }),
    statistic: input.statistic,
    unit: 'ms',
    loadlab: input.loadlab,
    loadlabN: input.loadlabN,
    independent: input.independent,
    independentN: input.independentN,
    tool: input.tool,
    // JSON has no Infinity: a zero independent figure is recorded as ratio 0 and out of bounds.
    ratio: finite ? ratio : 0,
    bounds: { low: b.low, high: b.high },
    withinBounds: finite && ratio >= b.low && ratio <= b.high,
    enforced: b.enforced && input.independent >= CALIBRATION_BOUNDS.minEnforcedMs,
  };
}

/** Untrusted reasons for enforced rows outside their bounds, each naming the row. */
export function calibrationReasons(rows: readonly Omit<CalibrationRow, 'scenario'>[]): string[] {
  return rows
    .filter((r) => r.enforced && !r.withinBounds)
    .map(
      (r) =>
        `calibration ${r.subject}${r.mode === undefined ? '' : ` (${r.mode})`} ${r.statistic}: loadlab ${r.loadlab.toFixed(3)} ms vs ${r.tool} ${r.independent.toFixed(3)} ms, ratio ${r.ratio.toFixed(2)} outside ${r.bounds.low}-${r.bounds.high}`,
    );
}
