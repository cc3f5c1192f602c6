import { describe, expect, it } from 'vitest';
import { TEST_PG_ADMIN_URL } from '../../test/support/index.js';
import { calibrationReasons, calibrationRow } from './calibration.js';
import { pgbenchLatency, pgbenchScript, pgbenchVersion } from './pgbench.js';

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
    // The same 1.40, but the driver alone is close to libpq: the harness added 0.32 of it, untrusted.
    const harnessBound = withDriver(1.4, 1, 1.08);
    expect(harnessBound.enforced).toBe(true);
    expect(calibrationReasons([harnessBound])).toEqual([expect.stringContaining('ratio 1.40 outside 0.77-1.3')]);
    // A harness that doubles a sub-millisecond statement is caught although pgbench's row is not enforced.
    const slowHarness = withDriver(0.4, 0.05, 0.15);
    expect(slowHarness.enforced).toBe(false);
    expect(calibrationReasons([slowHarness])).toEqual([
      expect.stringMatching(
        /^calibration q\.all \(simple\) p50: loadlab 0\.400 ms vs node-postgres alone 0\.150 ms, harness ratio 2\.67 outside/,
      ),
    ]);
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
    expect(out.histogram.count).toBe(30);
    // One run under the full parallel suite read a p50 of 0 (cause not found yet); the max must be real.
    expect(out.histogram.percentile(100)).toBeGreaterThan(0);
    expect(out.tool).toMatch(/^pgbench \d+(\.\d+)* -M prepared$/);
  });
});
