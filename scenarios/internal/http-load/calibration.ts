import { autocannonEstimate, type AutocannonCliResult } from '../../../harness/load/index.js';
import { CALIBRATION_BOUNDS, calibrationRow } from '../../../harness/metrics/index.js';
import {
  minSamplesForPercentile,
  type CalibrationRow,
  type CalibrationSkip,
  type HistogramSummary,
} from '../../../harness/result/index.js';
import { ENDPOINTS, subjectOf, type HttpLoadParams } from './params.js';
import type { ServerRound, WindowResult } from './server-round.js';

type Row = Omit<CalibrationRow, 'scenario'>;
type Skip = Omit<CalibrationSkip, 'scenario'>;

function toolString(cli: AutocannonCliResult, statistic: 'p50' | 'p95'): string {
  const base = `autocannon ${cli.version} CLI, child process, ${cli.flags}; whole-ms percentile k read as k + 0.5 ms`;
  return statistic === 'p95' ? `${base}; p95 interpolated between its p90 and p97.5 (it prints no p95)` : base;
}

/**
 * Why autocannon cannot decide a p50 row, or undefined when it can. It prints whole milliseconds,
 * so its p50 of k only says k <= p50 < k + 1 (read as k + 0.5 in the row). A row is judged only
 * when every value of that millisecond gives a ratio on the same side of the bounds; otherwise it
 * is listed as skipped with both figures (at 2-3 ms endpoints a 1 ms bucket is +-20 %).
 */
function undecidable(ll: number, k: number): string | undefined {
  const b = CALIBRATION_BOUNDS.p50;
  // autocannon's k means a median somewhere in [k, k + 1) ms, so the true ratio lies in
  // ll / (k + 1) .. ll / k. Only when that whole interval is inside the bounds, or wholly outside
  // them, does the tool decide anything; otherwise the row is not judged (both figures kept).
  const low = ll / (k + 1);
  const high = k > 0 ? ll / k : Number.POSITIVE_INFINITY;
  if ((low >= b.low && high <= b.high) || high < b.low || low > b.high) return undefined;
  const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '∞');
  return (
    `autocannon prints whole milliseconds: its p50 of ${k} ms means ${k}-${k + 1} ms, so beside loadlab's ${ll.toFixed(3)} ms ` +
    `the ratio could be anywhere in ${fmt(low)}-${fmt(high)}, across the ${b.low}-${b.high} bounds: the tool cannot decide at this latency (p95 row kept)`
  );
}

/**
 * How a span's p50 compares with the CLI's: too few samples, undecidable at autocannon's
 * whole-millisecond resolution, or decidedly inside or outside the bounds (the ratio to the CLI's
 * bucket midpoint, as in the row). The server round repeats a span whose p50 is 'outside' once.
 */
export function p50Verdict(ll: HistogramSummary, cli: AutocannonCliResult): 'too-few' | 'undecidable' | 'inside' | 'outside' {
  const need = minSamplesForPercentile(0.5);
  if (ll.count < need || cli.latency.totalCount < need) return 'too-few';
  if (undecidable(ll.p50, cli.latency.p50) !== undefined) return 'undecidable';
  const ratio = ll.p50 / autocannonEstimate(cli.latency, 'p50');
  const b = CALIBRATION_BOUNDS.p50;
  return ratio >= b.low && ratio <= b.high ? 'inside' : 'outside';
}

function supersededReason(s: NonNullable<WindowResult['superseded']>): string {
  const pressure = s.cpuPressure === undefined ? '' : `; CPU pressure ${s.cpuPressure.toFixed(0)} % of the span`;
  if (s.cli.kind !== 'measured') return `first attempt: ${s.cli.reason}`;
  const k = s.cli.result.latency.p50;
  return (
    `first attempt, measured again: loadlab ${s.load.p50.toFixed(3)} ms vs the CLI's ${k}-${k + 1} ms ` +
    `(ratio ${(s.load.p50 / autocannonEstimate(s.cli.result.latency, 'p50')).toFixed(2)}, outside the bounds${pressure}); the row is the repeat`
  );
}

/**
 * Calibration rows for every window the autocannon CLI re-measured: loadlab's HDR percentile of
 * its own window beside the CLI's estimate (autocannonEstimate) of the same percentile, on the
 * same warm server, at the same rate, connections and request count.
 */
export function calibrationRows(rounds: readonly ServerRound[]): { rows: Row[]; skipped: Skip[] } {
  const rows: Row[] = [];
  const skipped: Skip[] = [];
  for (const r of rounds) {
    for (const w of r.windows) {
      if (w.cli === undefined) continue;
      const subject = subjectOf(w.endpoint, r.variant);
      if (w.superseded !== undefined) skipped.push({ subject: `${subject} p50 (first attempt)`, reason: supersededReason(w.superseded) });
      if (w.cli.kind === 'skipped') {
        skipped.push({ subject, reason: w.cli.reason });
        continue;
      }
      const cli = w.cli.result;
      const ll: HistogramSummary = w.calibrationLoad ?? w.load.latency;
      for (const statistic of ['p50', 'p95'] as const) {
        const need = minSamplesForPercentile(statistic === 'p50' ? 0.5 : 0.95);
        if (ll.count < need || cli.latency.totalCount < need) {
          skipped.push({
            subject: `${subject} ${statistic}`,
            reason: `too few samples for ${statistic} (loadlab n = ${ll.count}, autocannon n = ${cli.latency.totalCount}; needs ${need})`,
          });
          continue;
        }
        const blind = statistic === 'p50' ? undecidable(ll.p50, cli.latency.p50) : undefined;
        if (blind !== undefined) {
          skipped.push({ subject: `${subject} p50`, reason: blind });
          continue;
        }
        rows.push(
          calibrationRow({
            subject,
            kind: 'http',
            statistic,
            loadlab: ll[statistic],
            loadlabN: ll.count,
            independent: autocannonEstimate(cli.latency, statistic),
            independentN: cli.latency.totalCount,
            tool: toolString(cli, statistic),
          }),
        );
      }
    }
  }
  return { rows, skipped };
}

/** The calibration paragraph of the report: how both figures of each row were obtained. */
export function calibrationMethod(p: HttpLoadParams, amount: number, version: string | undefined, rounds: readonly ServerRound[]): string {
  const b = CALIBRATION_BOUNDS;
  const pressure = rounds.flatMap((r) =>
    r.windows.flatMap((w) => (w.cpuPressure === undefined ? [] : [`${w.endpoint} ${w.cpuPressure.toFixed(0)} %`])),
  );
  return [
    `For ${p.calibrateEndpoints.length === ENDPOINTS.length ? 'each endpoint' : `the ${p.calibrateEndpoints.join(' and ')} endpoints (the ones the SLO budgets gate; the others are not calibrated in this profile)`} of the ${p.calibrate.join(' and ')} variant${p.calibrate.length === 1 ? '' : 's'} in round 1, the autocannon ${version ?? ''} CLI`,
    `runs as a separate child process (node autocannon.js --json) against the same warm server child at the same rate, connections and number of requests`,
    `(-R ${p.ratePerSec} -c ${p.connections} -a ${amount}), after a warm-up of its own (${Math.min(amount, p.ratePerSec)} requests) so its client code is as warm as loadlab's.`,
    `loadlab's figure is the HDR percentile (3 significant digits) of its in-process window for that endpoint and variant, run in two halves just before and just after`,
    `the CLI's window (A B A), so a drift in the machine's load weighs on both figures alike.`,
    `A span whose p50s disagree beyond the bounds is measured once more (never twice): the row is the repeat's, the first attempt is listed among the skipped rows with its figures,`,
    `and the endpoint's own figures pool loadlab's requests of both spans.`,
    `An endpoint whose server sustained under a quarter of the offered rate in loadlab's first half is saturated: its requests queue, which loadlab's open model counts from the intended start and the CLI's -C does not, so the CLI is not run there and the row is listed as skipped with the rate it sustained.`,
    `Two of the CLI's behaviours would make its figures incomparable and are handled openly: with -R, its coordinated-omission fill back-fills`,
    `at an interval of Math.ceil(1 / per-connection rate) = 1 ms rather than the connection's real interval (c/R = ${((p.connections * 1000) / p.ratePerSec).toFixed(0)} ms),`,
    `adding a sample for every millisecond of every response, so it runs with -C (one sample per response; loadlab's own correction adds samples only for responses slower than c/R,`,
    `visible as loadlab n above the request count); and it records whole milliseconds (its histogram truncates), so a printed k means k <= x < k + 1 and is read as k + 0.5 ms.`,
    `It prints p90 and p97.5 but no p95: its p95 is interpolated linearly in rank between the two (then + 0.5 ms).`,
    "Where the ratio to any value inside the CLI's whole-millisecond p50 bucket could fall on either side of the bounds, the tool cannot decide: such a p50 row is listed as skipped with both figures,",
    `unless the two disagree by more than the rounding (then it is a row, and out of bounds).`,
    `p50 must agree within ${b.p50.low}-${b.p50.high} (enforced: outside it the run is untrusted); p95 is shown against ${b.p95.low}-${b.p95.high} and does not decide trust.`,
    pressure.length === 0
      ? ''
      : `Share of each A B A span in which some task on this machine waited for a CPU (Linux PSI): ${pressure.join(', ')}.`,
    pressure.length === 0
      ? ''
      : `When it is high, other jobs move a latency of a few ms by multiples between consecutive windows whichever generator measures it (loadlab against itself included):`,
    pressure.length === 0
      ? ''
      : `a p50 row outside its bounds then says this run's figures cannot be trusted, not that either tool is wrong.`,
  ]
    .join(' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}
