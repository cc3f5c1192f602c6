import type pg from 'pg';
import {
  calibrationRow,
  Histogram,
  HISTOGRAM_RANGES,
  pgbenchLatency,
  pgbenchScript,
  pgbenchVersion,
} from '../../../harness/metrics/index.js';
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
  'process and gets its own warm-up, dropped), so a drift of the machine during the pair falls on both sides. Ratio = loadlab / pgbench. What the calibration leaves out on purpose: turning rows into JS objects (timestamps, jsonb), which ' +
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
      const st = v.recording.last;
      const url = urls.get(v.db);
      if (st === undefined || url === undefined) continue;
      const send = (): Promise<unknown> => v.recording.db.query(st.sql, st.params, { types: ROWS_AS_TEXT, rowMode: 'array' });
      const script = pgbenchScript(st.sql, st.params, q.mode);
      const mine = new Histogram(HISTOGRAM_RANGES.latencyMs);
      const theirs = new Histogram(HISTOGRAM_RANGES.latencyMs);
      let tool = 'pgbench';
      for (let i = 0; i < o.warmup; i++) await send();
      try {
        for (const n of blockSizes(o.executions, o.blocks ?? CALIBRATE_DEFAULTS.blocks)) {
          for (let i = 0; i < n; i++) {
            const t0 = performance.now();
            await send();
            mine.record(performance.now() - t0);
          }
          const run = await pgbenchLatency({ url, mode: q.mode, script, transactions: n, warmup: o.warmup, signal: o.signal });
          theirs.add(run.histogram);
          tool = run.tool;
        }
        for (const statistic of ['p50', 'p95'] as const) {
          const pct = statistic === 'p50' ? 50 : 95;
          report.calibration.rows.push(
            calibrationRow({
              subject,
              kind: 'query',
              mode: q.mode,
              statistic,
              loadlab: mine.percentile(pct),
              loadlabN: mine.count,
              independent: theirs.percentile(pct),
              independentN: theirs.count,
              tool: `${tool}, 1 client, same SQL and parameters, ${o.blocks ?? CALIBRATE_DEFAULTS.blocks} alternating blocks`,
            }),
          );
        }
      } catch (err) {
        if (o.signal.aborted) throw o.signal.reason;
        report.calibration.skipped.push({
          subject: `${subject} (${q.mode})`,
          reason: `pgbench failed: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`,
        });
      }
    }
  }
}

/** `total` split into `blocks` near-equal positive parts (fewer blocks when total is small). */
export function blockSizes(total: number, blocks: number): number[] {
  const k = Math.max(1, Math.min(Math.floor(blocks), total));
  return Array.from({ length: k }, (_, i) => Math.floor(total / k) + (i < total % k ? 1 : 0));
}
