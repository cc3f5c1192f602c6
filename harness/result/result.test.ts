import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSampleRun } from './fixtures/sample-run.js';
import { EXIT_CODES, assertRunResult, emptyRunResult, emptyScenarioResult, finalizeRunResult, validateRunResult } from './index.js';
import type { Environment } from './index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/sample-run.json', import.meta.url));

const env: Environment = {
  node: 'v20.20.2',
  os: 'linux',
  cpus: { count: 2, model: 'x' },
  memory: { totalBytes: 1 },
  postgres: null,
  redis: null,
  loadlabVersion: '0.1.0',
  gitCommit: null,
  profile: 'ci',
  seed: 1,
  timeScale: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
};

describe('RunResult fixture', () => {
  it('sample-run.json is the serialisation of the typed builder (UPDATE_FIXTURES=1 rewrites it)', () => {
    const built = `${JSON.stringify(buildSampleRun(), null, 2)}\n`;
    if (process.env['UPDATE_FIXTURES'] === '1') writeFileSync(FIXTURE, built);
    expect(readFileSync(FIXTURE, 'utf8')).toBe(built);
  });

  it('validates against the JSON Schema and covers every section', () => {
    const json: unknown = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    const r = validateRunResult(json);
    expect(r.errors).toEqual([]);
    const run = assertRunResult(json);
    expect(run.scenarios).toHaveLength(13);
    expect(run.claims.length).toBeGreaterThanOrEqual(20);
    const timelines = run.scenarios.flatMap((s) => s.evidence.timelines.map((t) => t.name));
    expect(timelines).toEqual(expect.arrayContaining(['failover', 'pool-waiting', 'cost-buffer']));
    expect(run.capacity?.usl?.peakConcurrency).toBeGreaterThan(0);
  });

  it('covers calibration, the latency breakdown, methods, statement modes and a not-judgeable budget', () => {
    const run = assertRunResult(JSON.parse(readFileSync(FIXTURE, 'utf8')));
    const rows = run.calibration?.rows ?? [];
    expect(rows.some((r) => r.withinBounds && r.enforced)).toBe(true);
    expect(rows.some((r) => !r.withinBounds)).toBe(true);
    for (const r of rows) expect(r.ratio).toBeCloseTo(r.loadlab / r.independent, 2);
    expect(run.calibration?.skipped).toHaveLength(1);
    const ql = run.scenarios.find((s) => s.name === 'query-latency');
    expect(ql?.method).toMatch(/pg_stat_statements/);
    const breakdown = ql?.latencyBreakdown ?? [];
    expect(new Set(breakdown.map((b) => b.mode))).toEqual(new Set(['simple', 'unnamed', 'prepared']));
    expect(new Set(breakdown.map((b) => b.source))).toEqual(new Set(['pg_stat_statements', 'explain', 'none']));
    for (const b of breakdown) {
      if (b.planMeanMs !== null && b.execMeanMs !== null)
        expect(b.clientOverheadMeanMs).toBeCloseTo(b.clientMeanMs - b.planMeanMs - b.execMeanMs, 6);
    }
    expect(run.environment.statementModes).toEqual({ audited: 'prepared', optimized: 'prepared' });
    expect(run.budgets.filter((b) => b.judgeable === false)).toEqual([
      expect.objectContaining({ passed: false, name: 'sessions.start.over_cap' }),
    ]);
  });
});

describe('validateRunResult', () => {
  it('reports every error at once, with paths', () => {
    const bad = { ...buildSampleRun(), schemaVersion: 2, profile: 'huge', extra: true } as unknown;
    const r = validateRunResult(bad);
    expect(r.valid).toBe(false);
    const paths = r.errors.map((e) => `${e.path} ${e.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/schemaVersion'),
        expect.stringContaining('/profile'),
        expect.stringContaining('unknown property "extra"'),
      ]),
    );
  });

  it('rejects a calibration row or breakdown row of the wrong shape', () => {
    const run = buildSampleRun();
    const row = run.calibration?.rows[0];
    const line = run.scenarios.find((s) => s.name === 'query-latency')?.latencyBreakdown?.[0];
    if (row === undefined || line === undefined) throw new Error('fixture changed');
    Object.assign(row, { statistic: 'p99', unit: 's' });
    Object.assign(line, { mode: 'pipelined', planMeanMs: 'n/a' });
    const paths = validateRunResult(run).errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/calibration/rows/0/statistic',
        '/calibration/rows/0/unit',
        expect.stringMatching(/^\/scenarios\/1\/latencyBreakdown\/0\/mode/),
        expect.stringMatching(/^\/scenarios\/1\/latencyBreakdown\/0\/planMeanMs/),
      ]),
    );
  });

  it('assertRunResult throws a coded error', () => {
    expect(() => assertRunResult({})).toThrow(expect.objectContaining({ code: 'LL_RESULT_INVALID' }));
  });
});

describe('builders', () => {
  it('emptyRunResult validates and finalize derives status, ranks and exit code', () => {
    const run = emptyRunResult(env);
    expect(validateRunResult(run).valid).toBe(true);
    const s = emptyScenarioResult({ name: 'demo', title: 'Demo', auditRef: '§0' });
    s.budgets.push({
      name: 'q',
      scenario: 'demo',
      stat: 'p95',
      threshold: 'p95 < 1ms',
      operator: '<',
      limit: 1,
      measured: 2,
      passed: false,
      unit: 'ms',
    });
    const done = finalizeRunResult({ ...run, scenarios: [s] }, { finishedAt: '2026-01-01T00:00:01.000Z', durationMs: 1000 });
    expect(done.status).toBe('failed');
    expect(done.exitCode).toBe(EXIT_CODES.budgetFailed);
    expect(done.budgets).toHaveLength(1);
    expect(validateRunResult(done).valid).toBe(true);
    const lost = finalizeRunResult(
      { ...run, scenarios: [s] },
      { finishedAt: '2026-01-01T00:00:01.000Z', durationMs: 1, flags: { dataLoss: true } },
    );
    expect(lost.exitCode).toBe(EXIT_CODES.dataLoss);
  });
});
