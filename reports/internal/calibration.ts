/**
 * Wording shared by the Markdown and HTML calibration sections. Every figure (both statistics,
 * the ratio, the bounds, the verdict) is stored in the CalibrationRow; this only labels it.
 */
import type { Calibration, CalibrationRow } from '../../harness/result/index.js';
import { num } from './format.js';
import { enoughSamples, quantileOf, tooFew } from './percentile.js';

export const CALIBRATION_INTRO =
  "Each row puts loadlab's figure for a subject beside an independent tool's figure for the same thing in the same run (pgbench on the same SQL in the same statement mode; an autocannon child process on the same endpoint at the same rate). Ratio = loadlab / independent. p50 rows are enforced: one outside its bounds makes the run untrusted (exit code 6). p95 rows are reported only, because tails are noisier.";

export const NO_CALIBRATION = 'This run had no calibration: no figure was checked against an independent tool.';

/** Enforced rows outside their bounds: each one makes the run untrusted. */
export function enforcedOutside(cal: Calibration | undefined): CalibrationRow[] {
  return (cal?.rows ?? []).filter((r) => r.enforced && !r.withinBounds);
}

export function boundsText(r: CalibrationRow): string {
  return `${num(r.bounds.low)}–${num(r.bounds.high)}`;
}

export function roleText(r: CalibrationRow): string {
  return r.enforced ? 'enforced' : 'reported only';
}

/** "n<200" when either side of the row has too few samples for its statistic, else null. */
export function rowTooFew(r: CalibrationRow): string | null {
  const q = quantileOf(r.statistic);
  if (q === null || (enoughSamples(r.loadlabN, q) && enoughSamples(r.independentN, q))) return null;
  return tooFew(q);
}

/** "get_events.all (prepared) p50" for summaries. */
export function rowLabel(r: CalibrationRow): string {
  return `${r.subject}${r.mode === undefined ? '' : ` (${r.mode})`} ${r.statistic}`;
}
