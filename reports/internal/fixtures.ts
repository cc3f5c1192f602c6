/**
 * Variants of the sample RunResult for renderer tests: hostile names, a failed budget, an empty
 * run. Test-only; kept here so the three renderer test files share them.
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
  s.title = HOSTILE;
  s.measurements.histograms[HOSTILE] = h;
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

/** A run where nothing ran: every section must still render, with a sentence instead of a table. */
export function emptyRun(): RunResult {
  const r = buildSampleRun();
  return { ...r, scenarios: [], budgets: [], findings: [], claims: [], capacity: null, artifacts: [] };
}
