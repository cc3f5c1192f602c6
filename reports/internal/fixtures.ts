/**
 * Variants of the sample RunResult for renderer tests: hostile names, a failed budget, a failed
 * calibration, no calibration, an empty run. Test-only; kept here so the three renderer test files
 * share them.
 */
import { buildSampleRun } from '../../harness/result/fixtures/sample-run.js';
import type { RunResult } from '../../harness/result/index.js';

export const HOSTILE = '<script>alert("x")</script> | *bold* [link](http://evil.example)';

export function sampleRun(): RunResult {
  return buildSampleRun();
}

/** Every free-text field a user or scenario author controls gets markup in it. */
export function hostileRun(): RunResult {
  const r = buildSampleRun();
  const s = r.scenarios[0];
  const b = r.budgets[0];
  const f = r.findings[0];
  const c = r.claims[0];
  const h = Object.values(r.scenarios[1]?.measurements.histograms ?? {})[0];
  if (s === undefined || b === undefined || f === undefined || c === undefined || h === undefined) throw new Error('fixture changed');
  const row = r.calibration?.rows[0];
  const skip = r.calibration?.skipped[0];
  const line = r.scenarios[1]?.latencyBreakdown?.[0];
  if (row === undefined || skip === undefined || line === undefined) throw new Error('fixture changed');
  s.title = HOSTILE;
  s.method = HOSTILE;
  s.measurements.histograms[HOSTILE] = h;
  row.subject = HOSTILE;
  row.tool = HOSTILE;
  skip.reason = HOSTILE;
  line.query = HOSTILE;
  line.variant = HOSTILE;
  b.name = HOSTILE;
  f.title = HOSTILE;
  c.claim = HOSTILE;
  r.environment.os = HOSTILE;
  return r;
}

/** The fixture with its first query budget breached. */
export function failedBudgetRun(): RunResult {
  const r = buildSampleRun();
  const b = r.budgets.find((x) => x.name === 'query.list_sessions');
  if (b === undefined) throw new Error('fixture changed');
  Object.assign(b, { measured: 12.5, passed: false });
  r.status = 'failed';
  r.exitCode = 3;
  return r;
}

/** The fixture with its enforced HTTP p50 calibration row outside bounds: untrusted, exit code 6. */
export function calibrationFailedRun(): RunResult {
  const r = buildSampleRun();
  const row = r.calibration?.rows.find((x) => x.enforced && x.kind === 'http');
  if (row === undefined) throw new Error('fixture changed');
  Object.assign(row, { loadlab: 5.1, ratio: 1.409, withinBounds: false });
  r.trusted = false;
  r.untrustedReasons = [
    'http-load: calibration GET /api/v1/sessions (optimized) p50: loadlab 5.100 ms vs autocannon 3.620 ms, ratio 1.41 outside 0.77-1.3',
  ];
  r.exitCode = 6;
  return r;
}

/** The fixture without calibration, as from a run whose scenarios calibrated nothing. */
export function uncalibratedRun(): RunResult {
  const { calibration: _calibration, ...rest } = buildSampleRun();
  return rest;
}

/** A run where nothing ran: every section must still render, with a sentence instead of a table. */
export function emptyRun(): RunResult {
  const { calibration: _calibration, ...r } = buildSampleRun();
  return { ...r, scenarios: [], budgets: [], findings: [], claims: [], capacity: null, artifacts: [] };
}
