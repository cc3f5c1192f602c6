import pg from 'pg';
import { interpolate } from '../../../engine/db/index.js';
import {
  calibrationReasons,
  calibrationRow,
  Histogram,
  HISTOGRAM_RANGES,
  measureWithOneRepeat,
  pgbenchLatency,
  pgbenchScript,
  pgbenchVersion,
} from '../../../harness/metrics/index.js';
import type { CalibrationRow } from '../../../harness/result/index.js';
import type { ScenarioReport } from '../../../harness/scenario/index.js';
import type { HotQuery } from './catalogue.js';
import type { VariantDatabase } from './databases.js';

export interface CalibrateOptions {
  /** Recorded executions per side (the same number for loadlab and pgbench). */
  executions: number;
  warmup: number;
  /** Variants calibrated per query (e.g. baseline and all). */
  variants: readonly string[];
  signal: AbortSignal;
  onStep?: (subject: string) => void;
  /** Alternating blocks per side (default CALIBRATE_DEFAULTS.blocks). */
  blocks?: number;
}

export const CALIBRATE_DEFAULTS = {
  /**
   * loadlab and pgbench take turns in this many blocks (A B A B …) instead of one long run each,
   * so a drift of the machine's speed during the pair (a noisy neighbour, frequency scaling) falls
   * on both sides alike instead of on whichever ran second.
   */
  blocks: 4,
} as const;

export const CALIBRATION_METHOD =
  'Per hot query, variant (baseline, all) and statement mode: the engine repository renders the statement for one ' +
  'fixed parameter set (the first drawn); loadlab then sends that statement through the same engine Db (same pool, statement mode, timer and ' +
  'HDR histogram as the main measurement), sequentially, warm-up executions first, then N recorded, with result rows kept as arrays of text; ' +
  'pgbench runs the exact same statement (same SQL, same parameters, same database) in the same protocol mode (-M simple with the literals ' +
  'loadlab interpolated, -M prepared with the parameters bound), one client, and its per-transaction log (-l) gives the percentiles. The two ' +
  `take turns in ${CALIBRATE_DEFAULTS.blocks} blocks of N/${CALIBRATE_DEFAULTS.blocks} recorded executions each (every pgbench block is a new ` +
  'process and gets its own warm-up, dropped), so a drift of the machine during the pair falls on both sides. Ratio = loadlab / pgbench. ' +
  'The statement carries a comment naming its subject, so in prepared mode all three clients start a fresh prepared statement on the ' +
  "same parameters (the engine's own statement for that text may already run a generic plan learnt from other parameters). " +
  "Inside loadlab's blocks every send alternates with one from node-postgres' bare Client (its own connection, same statement and mode, " +
  "rows as text, which side goes first swapped each time): loadlab / driver is what loadlab's query path adds, driver / pgbench is what the " +
  'JS driver costs against libpq (decoding every field in JS, an event-loop turn per reply). A p50 row outside its bounds decides trust ' +
  "unless the harness share alone, 1 + (loadlab - driver) / pgbench, is at most the upper bound (below 1, loadlab was faster than the bare driver: the gap is the driver's); the harness ratio is enforced on p50 rows of at least 1 ms (below, a fixed few tens of microseconds of pool checkout and promise turns is shown, not enforced). " +
  'When a row that decides trust fails, the pair is measured once more (never twice) on fresh statements; the first attempt is listed among the skipped rows with its figures and the row is the repeat. ' +
  "pgbench's log lines of exactly 0 µs are dropped (its lazily read clock logs 0 when the reply was already there at its first check; the count is in the tool column). " +
  'What the calibration leaves out on purpose: turning rows into JS objects (timestamps, jsonb), which ' +
  'pgbench never does; the main figures include it, and the latency split shows it inside the client part.';

/** Every column left as the server's text, as pgbench leaves it: no Date, JSON or numeric parsing. */
const ROWS_AS_TEXT = {
  getTypeParser:
    () =>
    (value: string): string =>
      value,
} as unknown as pg.CustomTypesConfig;

/**
 * loadlab's figure and pgbench's for the same statement, one pair of runs per (query, variant,
 * mode). Rows go to report.calibration; when pgbench is missing or fails, the subject is listed
 * as skipped with the reason instead.
 */
export async function calibrateQueries(
  queries: readonly HotQuery[],
  urls: ReadonlyMap<VariantDatabase['id'], string>,
  report: ScenarioReport,
  o: CalibrateOptions,
): Promise<void> {
  report.calibration.method = CALIBRATION_METHOD;
  const version = await pgbenchVersion();
  const drivers = new Map<string, pg.Client>();
  let statements = 0;
  try {
    for (const q of queries) {
      for (const v of q.variants.filter((x) => o.variants.includes(x.id))) {
        const subject = `${q.id}.${v.id}`;
        if (version === null) {
          report.calibration.skipped.push({
            subject: `${subject} (${q.mode})`,
            reason: 'pgbench is not on PATH (install postgresql-client to calibrate query latency)',
          });
          continue;
        }
        if (o.signal.aborted) throw o.signal.reason;
        o.onStep?.(`${subject} ${q.mode}`);
        // The repository renders the statement once; from then on the same Db (pool, mode, timer,
        // histogram) sends it with rows kept as text, which is what pgbench does with them.
        await v.exec(0);
        const rendered = v.recording.last;
        const url = urls.get(v.db);
        if (rendered === undefined || url === undefined) continue;
        const driver = await driverFor(drivers, url);
        const blocks = o.blocks ?? CALIBRATE_DEFAULTS.blocks;
        // One pair of measurements; when a row that decides trust fails, the pair is measured once
        // more (never twice) on fresh statements: a p50 that sits between the two modes of a
        // bimodal statement can land on either side in 200 executions. Both attempts are shown.
        const measure = async (attempt: number): Promise<{ rows: Omit<CalibrationRow, 'scenario'>[] } | { skip: string }> => {
          // A text of its own, so in prepared mode every side starts a fresh statement on these
          // parameters: the engine's statement for this text may have been planned generically after
          // other parameter shapes (actions_tags_1..3 share one text), which pgbench's never is.
          const tag = `${subject.replace(/[^\w.-]/g, '_')}${attempt === 0 ? '' : ` repeat ${attempt}`}`;
          const st = { sql: `/* loadlab calibration ${tag} */ ${rendered.sql}`, params: rendered.params };
          const send = (): Promise<unknown> => v.recording.db.query(st.sql, st.params, { types: ROWS_AS_TEXT, rowMode: 'array' });
          const bare = driverQuery(st.sql, st.params, q.mode, ++statements);
          const sendBare = (): Promise<unknown> => driver.query(bare);
          const script = pgbenchScript(st.sql, st.params, q.mode);
          const mine = new Histogram(HISTOGRAM_RANGES.latencyMs);
          const bareH = new Histogram(HISTOGRAM_RANGES.latencyMs);
          const theirs = new Histogram(HISTOGRAM_RANGES.latencyMs);
          let tool = 'pgbench';
          let zeroDropped = 0;
          for (let i = 0; i < o.warmup; i++) {
            await send();
            await sendBare();
          }
          let k = 0;
          for (const n of blockSizes(o.executions, blocks)) {
            for (let i = 0; i < n; i++, k++) {
              // Which side goes first alternates, so neither always follows the other's reply.
              if (k % 2 === 0) {
                mine.record(await timed(send));
                bareH.record(await timed(sendBare));
              } else {
                bareH.record(await timed(sendBare));
                mine.record(await timed(send));
              }
            }
            const run = await pgbenchLatency({ url, mode: q.mode, script, transactions: n, warmup: o.warmup, signal: o.signal });
            theirs.add(run.histogram);
            tool = run.tool;
            zeroDropped += run.zeroDropped;
          }
          if (theirs.count < o.executions / 2) {
            // pgbench timed too few of them to give a figure: the machine was too busy (see latenciesFromLog).
            return {
              skip: `pgbench logged 0 µs for ${zeroDropped} of ${zeroDropped + theirs.count} transactions (its clock is read lazily, so a reply already waiting at its first check is logged as 0): the machine was too busy for pgbench to time this statement`,
            };
          }
          const rows = (['p50', 'p95'] as const).map((statistic) => {
            const pct = statistic === 'p50' ? 50 : 95;
            return calibrationRow({
              subject,
              kind: 'query',
              mode: q.mode,
              statistic,
              loadlab: mine.percentile(pct),
              loadlabN: mine.count,
              independent: theirs.percentile(pct),
              independentN: theirs.count,
              tool:
                `${tool}, 1 client, same SQL and parameters, ${blocks} alternating blocks` +
                (zeroDropped === 0 ? '' : `, ${zeroDropped} zero-latency log line(s) dropped`) +
                (attempt === 0 ? '' : ', measured again'),
              driver: { value: bareH.percentile(pct), n: bareH.count },
            });
          });
          return { rows };
        };
        try {
          const { result: out, first } = await measureWithOneRepeat(measure, (r) => ('rows' in r ? calibrationReasons(r.rows) : []));
          if (first !== undefined) {
            report.calibration.skipped.push({
              subject: `${subject} (${q.mode}) (first attempt)`,
              reason: `first attempt, measured again: ${first.reasons.join('; ')}`,
            });
          }
          if ('skip' in out) {
            report.calibration.skipped.push({ subject: `${subject} (${q.mode})`, reason: out.skip });
            report.untrusted.push(`calibration ${subject} (${q.mode}): ${out.skip}`);
            continue;
          }
          report.calibration.rows.push(...out.rows);
        } catch (err) {
          if (o.signal.aborted) throw o.signal.reason;
          report.calibration.skipped.push({
            subject: `${subject} (${q.mode})`,
            reason: `pgbench failed: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`,
          });
        }
      }
    }
  } finally {
    for (const c of drivers.values()) await c.end().catch(() => undefined);
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** One bare node-postgres Client per database, opened on first use. */
async function driverFor(drivers: Map<string, pg.Client>, url: string): Promise<pg.Client> {
  const known = drivers.get(url);
  if (known !== undefined) return known;
  const c = new pg.Client({ connectionString: url });
  // A server going away mid-calibration rejects the pending query; without a listener it would crash.
  c.on('error', () => undefined);
  await c.connect();
  drivers.set(url, c);
  return c;
}

/**
 * The statement as the bare driver sends it in `mode`: literals interpolated once (simple), or
 * bound parameters with a statement name of its own (prepared) so it is parsed once per connection.
 */
function driverQuery(sql: string, params: readonly unknown[], mode: CalibrationMode, id: number): pg.QueryConfig {
  const text = { types: ROWS_AS_TEXT, rowMode: 'array' } as const;
  if (params.length === 0) return { text: sql, ...text };
  if (mode === 'simple') return { text: interpolate(sql, params), ...text };
  return { text: sql, values: params as unknown[], ...text, ...(mode === 'prepared' ? { name: `ll_cal_${id}` } : {}) };
}

type CalibrationMode = HotQuery['mode'];

/** `total` split into `blocks` near-equal positive parts (fewer blocks when total is small). */
export function blockSizes(total: number, blocks: number): number[] {
  const k = Math.max(1, Math.min(Math.floor(blocks), total));
  return Array.from({ length: k }, (_, i) => Math.floor(total / k) + (i < total % k ? 1 : 0));
}
