import { harnessShare, type CalibrationDriver, type CalibrationRow } from '../result/index.js';

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
  /** Query rows: the same statistic from node-postgres' bare Client, timed in turn with loadlab. */
  driver?: { value: number; n: number };
}

/**
 * One calibration row (without its scenario, which the runner adds): ratio = loadlab / independent.
 *
 * With a driver figure the gap to pgbench is split in two: driver / pgbench is node-postgres
 * against libpq (per-field decoding in JS, an event-loop turn per reply), which no harness change
 * can remove; loadlab / driver is loadlab's own query path, measured call by call against the
 * bare driver so a drift of the machine falls on both. A row outside its bounds then decides
 * trust only when the harness share alone, 1 + (loadlab - driver) / pgbench, would also be
 * outside them. The harness ratio is enforced on p50 rows whose bare-driver median is at least
 * minEnforcedMs: below that a fixed 20-80 µs of pool checkout and promise turns, which grows when
 * other processes take the CPU, is 10-35 % of a 0.2 ms statement (shown, not enforced).
 */
export function calibrationRow(input: CalibrationInput): Omit<CalibrationRow, 'scenario'> {
  const b = CALIBRATION_BOUNDS[input.statistic];
  const ratio = input.independent > 0 ? input.loadlab / input.independent : Number.POSITIVE_INFINITY;
  const finite = Number.isFinite(ratio);
  const within = (x: number): boolean => Number.isFinite(x) && x >= b.low && x <= b.high;
  const withinBounds = finite && within(ratio);
  let enforced = b.enforced && input.independent >= CALIBRATION_BOUNDS.minEnforcedMs;
  let driver: CalibrationDriver | undefined;
  if (input.driver !== undefined && input.driver.value > 0 && finite) {
    const harnessRatio = input.loadlab / input.driver.value;
    const share = harnessShare(input, input.driver.value);
    // Too slow against pgbench, but the harness alone would not be: the driver accounts for it. A
    // share below 1 means loadlab was faster than the bare driver timed in turn with it: the whole
    // gap is the driver's (the harness ratio, enforced on its own below, catches a harness that is
    // suspiciously fast).
    if (!withinBounds && ratio > b.high && share <= b.high) enforced = false;
    driver = {
      value: input.driver.value,
      n: input.driver.n,
      harnessRatio,
      driverRatio: input.driver.value / input.independent,
      withinBounds: within(harnessRatio),
      enforced: b.enforced && input.driver.value >= CALIBRATION_BOUNDS.minEnforcedMs,
    };
  }
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
    withinBounds,
    enforced,
    ...(driver === undefined ? {} : { driver }),
  };
}

/** Untrusted reasons for rows that decide trust and fail, each naming the row and the ratio that failed. */
export function calibrationReasons(rows: readonly Omit<CalibrationRow, 'scenario'>[]): string[] {
  const label = (r: Omit<CalibrationRow, 'scenario'>): string =>
    `calibration ${r.subject}${r.mode === undefined ? '' : ` (${r.mode})`} ${r.statistic}`;
  const out: string[] = [];
  for (const r of rows) {
    if (r.enforced && !r.withinBounds) {
      out.push(
        `${label(r)}: loadlab ${r.loadlab.toFixed(3)} ms vs ${r.tool} ${r.independent.toFixed(3)} ms, ratio ${r.ratio.toFixed(2)} outside ${r.bounds.low}-${r.bounds.high}`,
      );
    }
    const d = r.driver;
    if (d !== undefined && d.enforced && !d.withinBounds) {
      out.push(
        `${label(r)}: loadlab ${r.loadlab.toFixed(3)} ms vs node-postgres alone ${d.value.toFixed(3)} ms, harness ratio ${d.harnessRatio.toFixed(2)} outside ${r.bounds.low}-${r.bounds.high}`,
      );
    }
  }
  return out;
}
