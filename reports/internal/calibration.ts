/**
 * Wording shared by the Markdown and HTML calibration sections. Every figure (both statistics,
 * the ratio, the bounds, the verdict) is stored in the CalibrationRow; this only labels it.
 */
import { calibrationRowUntrusted, harnessShare, type Calibration, type CalibrationRow } from '../../harness/result/index.js';
import { fmtValue, num } from './format.js';
import { enoughSamples, quantileOf, tooFew } from './percentile.js';

export const CALIBRATION_INTRO =
  "Each row puts loadlab's figure for a subject beside an independent tool's figure for the same thing in the same run (pgbench on the same SQL in the same statement mode; an autocannon child process on the same endpoint at the same rate). Ratio = loadlab / independent. p50 rows are enforced: one outside its bounds makes the run untrusted (exit code 6). p95 rows are reported only, because tails are noisier. Query rows also time node-postgres' bare Client on the same statement, call by call in turn with loadlab: loadlab / driver is what loadlab's own query path adds (enforced on p50 rows of at least 1 ms), driver / pgbench is what the JS driver costs against libpq; a row too slow against pgbench whose gap that driver cost accounts for is reported, not enforced.";

/** The calibration table's columns, in the order both renderers fill them. */
export const CALIBRATION_COLUMNS = [
  'Scenario',
  'Subject',
  'Mode',
  'Statistic',
  'loadlab (n)',
  'Independent (n)',
  'Tool',
  'Ratio',
  'node-postgres alone',
  'Bounds',
  'Verdict',
] as const;

export const NO_CALIBRATION = 'This run had no calibration: no figure was checked against an independent tool.';

/** Rows that make the run untrusted (enforced ratio or harness ratio outside the bounds). */
export function untrustedRows(cal: Calibration | undefined): CalibrationRow[] {
  return (cal?.rows ?? []).filter(calibrationRowUntrusted);
}

/** What failed in an untrusted row, for the summaries. */
export function untrustedText(r: CalibrationRow): string {
  const d = r.driver;
  if (d !== undefined && d.enforced && !d.withinBounds) {
    return `loadlab ${fmtValue(r.loadlab, r.unit)} vs node-postgres alone ${fmtValue(d.value, r.unit)}, harness ratio ${num(d.harnessRatio)}x outside ${boundsText(r)}`;
  }
  return `loadlab ${fmtValue(r.loadlab, r.unit)} vs ${r.tool} ${fmtValue(r.independent, r.unit)}, ratio ${num(r.ratio)}x outside ${boundsText(r)}`;
}

/** "0.99 ms · harness 1.02x · driver 1.20x" for query rows with a bare-driver figure, else "—". */
export function driverText(r: CalibrationRow): string {
  const d = r.driver;
  if (d === undefined) return '—';
  return `${fmtValue(d.value, r.unit)} (n=${num(d.n)}) · harness ${num(d.harnessRatio)}x · driver ${num(d.driverRatio)}x`;
}

/** A row's verdict as tone and words; Markdown and HTML only style it. */
export function rowVerdict(r: CalibrationRow): { tone: 'ok' | 'warn' | 'bad'; label: string; detail: string } {
  const d = r.driver;
  if (d !== undefined && d.enforced && !d.withinBounds) {
    return { tone: 'bad', label: 'HARNESS OUTSIDE', detail: `loadlab / node-postgres ${num(d.harnessRatio)}x: run untrusted` };
  }
  if (r.withinBounds) return { tone: 'ok', label: 'within', detail: roleText(r) };
  if (r.enforced) return { tone: 'bad', label: 'OUTSIDE', detail: 'enforced: run untrusted' };
  if (d !== undefined && r.independent > 0 && r.ratio > r.bounds.high) {
    if (harnessShare(r, d.value) <= r.bounds.high) {
      return {
        tone: 'warn',
        label: 'OUTSIDE',
        detail: `outside only with node-postgres' gap to libpq (driver ${num(d.driverRatio)}x); loadlab's own path alone is within (harness ${num(d.harnessRatio)}x)`,
      };
    }
  }
  return { tone: 'warn', label: 'OUTSIDE', detail: 'reported only' };
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
