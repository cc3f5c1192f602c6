import { describe, expect, it } from 'vitest';
import { TEST_PG_ADMIN_URL } from '../../test/support/index.js';
import { calibrationReasons, calibrationRow } from './calibration.js';
import { latenciesFromLog, pgbenchLatency, pgbenchScript, pgbenchVersion } from './pgbench.js';

const row = (loadlab: number, independent: number, statistic: 'p50' | 'p95' = 'p50') =>
  calibrationRow({
    subject: 'q.all',
    kind: 'query',
    mode: 'prepared',
    statistic,
    loadlab,
    loadlabN: 200,
    independent,
    independentN: 200,
    tool: 'pgbench 15 -M prepared',
  });

describe('calibrationRow', () => {
  it('takes ratio = loadlab / independent and judges it against the statistic bounds', () => {
    expect(row(2.6, 2).ratio).toBeCloseTo(1.3);
    expect(row(2.6, 2).withinBounds).toBe(true);
    expect(row(2.7, 2).withinBounds).toBe(false);
    expect(row(1.5, 2).withinBounds).toBe(false); // 0.75 < 0.77: loadlab suspiciously faster
    expect(row(2.9, 2, 'p95').withinBounds).toBe(true); // p95 expects 0.67-1.5
  });

  it('lets p50 rows decide trust only above the client floor, and names the row', () => {
    expect(row(2.7, 2).enforced).toBe(true);
    expect(row(2.7, 2, 'p95').enforced).toBe(false);
    expect(row(0.5, 0.2).enforced).toBe(false);
    expect(calibrationReasons([row(2.7, 2), row(0.5, 0.2), row(2, 2)])).toEqual([
      expect.stringMatching(
        /^calibration q\.all \(prepared\) p50: loadlab 2\.700 ms vs pgbench 15 -M prepared 2\.000 ms, ratio 1\.35 outside 0\.77-1\.3$/,
      ),
    ]);
  });

  it('splits the gap to pgbench into the driver and the harness when the bare driver was timed', () => {
    const withDriver = (loadlab: number, independent: number, driver: number, statistic: 'p50' | 'p95' = 'p50') =>
      calibrationRow({
        subject: 'q.all',
        kind: 'query',
        mode: 'simple',
        statistic,
        loadlab,
        loadlabN: 500,
        independent,
        independentN: 500,
        tool: 'pgbench 15 -M simple',
        driver: { value: driver, n: 500 },
      });
    // 1.40 against libpq, but node-postgres alone is 1.30 of it: the harness adds 0.1 of pgbench.
    const driverBound = withDriver(1.4, 1, 1.3);
    expect(driverBound.withinBounds).toBe(false);
    expect(driverBound.enforced).toBe(false);
    expect(driverBound.driver).toMatchObject({ driverRatio: 1.3, withinBounds: true, enforced: true });
    expect(driverBound.driver?.harnessRatio).toBeCloseTo(1.4 / 1.3);
    expect(calibrationReasons([driverBound])).toEqual([]);
    // 1.35 against libpq, and loadlab was faster than the bare driver timed in turn with it (a run
    // of clone 1 on 2026-12-07: 2.317 vs 2.785 ms, pgbench 1.712 ms): the gap is the driver's.
    const fasterThanDriver = withDriver(2.317, 1.712, 2.785);
    expect(fasterThanDriver.withinBounds).toBe(false);
    expect(fasterThanDriver.enforced).toBe(false);
    expect(calibrationReasons([fasterThanDriver])).toEqual([]);
    // The same 1.40, but the driver alone is close to libpq: the harness added 0.32 of it, untrusted.
    const harnessBound = withDriver(1.4, 1, 1.08);
    expect(harnessBound.enforced).toBe(true);
    expect(calibrationReasons([harnessBound])).toEqual([expect.stringContaining('ratio 1.40 outside 0.77-1.3')]);
    // A harness that adds 40 % to a 1.5 ms statement is caught although the driver alone is slower than libpq too.
    const slowHarness = withDriver(2.1, 1.2, 1.5);
    expect(calibrationReasons([slowHarness])).toEqual([
      expect.stringContaining('ratio 1.75 outside'),
      expect.stringMatching(
        /^calibration q\.all \(simple\) p50: loadlab 2\.100 ms vs node-postgres alone 1\.500 ms, harness ratio 1\.40 outside/,
      ),
    ]);
    // Below 1 ms the harness ratio is shown, not enforced: a fixed few tens of µs dominates there.
    const subMs = withDriver(0.4, 0.05, 0.15);
    expect(subMs.driver).toMatchObject({ withinBounds: false, enforced: false });
    expect(calibrationReasons([subMs])).toEqual([]);
    // Faster than libpq is never explained away, and p95 harness ratios are reported only.
    expect(withDriver(1.5, 2, 1.5).enforced).toBe(true);
    expect(calibrationReasons([withDriver(3, 2, 1.5, 'p95')])).toEqual([]);
  });

  it('records a zero independent figure as out of bounds, not as Infinity', () => {
    const r = row(1, 0);
    expect(r.ratio).toBe(0);
    expect(r.withinBounds).toBe(false);
  });
});

describe('pgbenchScript', () => {
  it('sends the interpolated literals in simple mode and binds :pN variables otherwise', () => {
    expect(pgbenchScript('SELECT * FROM t WHERE a = $1 AND b = ANY($2::text[])', ['x', ['p', 'q']], 'simple')).toEqual({
      script: `SELECT * FROM t WHERE a = 'x' AND b = ANY('{"p","q"}'::text[]);\n`,
      variables: {},
    });
    expect(pgbenchScript('SELECT * FROM t WHERE a = $1 AND b = ANY($2::text[])', ['x', ['p', 'q']], 'prepared')).toEqual({
      script: 'SELECT * FROM t WHERE a = :p1 AND b = ANY(:p2::text[]);\n',
      variables: { p1: 'x', p2: '{"p","q"}' },
    });
  });
});

describe('latenciesFromLog', () => {
  it("skips the warm-up, keeps the first N real latencies in transaction order, and drops pgbench's 0 µs lines", () => {
    // tx 1-2 warm-up; tx 4 and 6 logged 0 µs (pgbench's lazily read clock); tx 3 comes last in the file.
    const lines = [
      '0 1 900 0 1 1',
      '0 2 800 0 1 2',
      '0 4 0 0 1 4',
      '0 5 300 0 1 5',
      '0 3 250 0 1 3',
      '0 6 0 0 1 6',
      '0 7 400 0 1 7',
      '0 8 999 0 1 8',
    ];
    const { histogram, zeroDropped } = latenciesFromLog(lines, 2, 3);
    expect(histogram.count).toBe(3);
    expect(zeroDropped).toBe(2);
    expect(histogram.percentile(0)).toBeCloseTo(0.25, 3);
    expect(histogram.percentile(100)).toBeCloseTo(0.4, 3); // tx 8 is past the 3 kept
  });
});

describe.runIf((await pgbenchVersion()) !== null)('pgbenchLatency (real pgbench, real PostgreSQL)', () => {
  it('keeps exactly the recorded transactions after the warm-up', async () => {
    const url = new URL(TEST_PG_ADMIN_URL);
    url.pathname = '/postgres';
    const out = await pgbenchLatency({
      url: url.toString(),
      mode: 'prepared',
      script: pgbenchScript('SELECT $1::int + 1', [41], 'prepared'),
      transactions: 30,
      warmup: 7,
    });
    // 30 real latencies, unless the machine is so busy that pgbench logged 0 µs for most of what
    // it ran in all three attempts (its lazy clock; see latenciesFromLog): never more than asked.
    expect(out.histogram.count).toBeLessThanOrEqual(30);
    if (out.histogram.count < 30) expect(out.zeroDropped).toBeGreaterThan(0);
    if (out.histogram.count > 0) expect(out.histogram.percentile(0)).toBeGreaterThan(0);
    expect(out.tool).toMatch(/^pgbench \d+(\.\d+)* -M prepared$/);
  });
});
