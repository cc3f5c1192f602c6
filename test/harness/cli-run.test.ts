import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateRunResult, type RunResult } from '../../harness/result/index.js';
import { TEST_PG_ADMIN_URL } from '../support/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/loadlab.js');
const SMOKE = path.join(ROOT, 'test/fixtures/scenarios/smoke.ts');
const LOSSY = path.join(ROOT, 'test/fixtures/scenarios/smoke-lossy.ts');

/**
 * Issue 6's acceptance through the real CLI: a small scenario exercising a seeded database, the
 * engine, a fault, a load driver and a budget, with the four outcomes a CI job branches on.
 */
describe('loadlab run: exit codes of the whole machinery', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'll-run-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const run = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, 'run', ...args, '--data', 'tiny', '--database-url', TEST_PG_ADMIN_URL], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, LOADLAB_STATE_DIR: path.join(tmp, 'state') },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const writeConfig = (name: string, value: unknown): string => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };

  it('passing budget: exit 0 and an audit.json that validates against the schema', () => {
    const out = path.join(tmp, 'pass');
    const r = run([SMOKE, '--out', out]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'audit.json'), 'utf8')) as unknown;
    const check = validateRunResult(json);
    expect(check.valid ? [] : check.errors).toEqual([]);
    const result = json as RunResult;
    expect(result.scenarios[0]?.name).toBe('smoke');
    expect(result.scenarios[0]?.measurements.histograms['smoke.publish']?.count).toBeGreaterThan(20);
    expect(result.scenarios[0]?.evidence.timelines.find((t) => t.name === 'smoke')?.marks.some((m) => m.fault === 'redis-pause')).toBe(
      true,
    );
    expect(result.budgets.every((b) => b.passed)).toBe(true);
    expect(result.environment.disk?.peakClusterBytes).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(out, 'audit.md'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'junit.xml'))).toBe(true);
  }, 240_000);

  it('failing budget: exit 3 and the breach named on screen', () => {
    const config = writeConfig('tight.json', { budgets: { ci: { 'smoke.publish': { p50: '< 0.001ms' } } } });
    const r = run([SMOKE, '--out', path.join(tmp, 'fail'), '--config', config]);
    expect(r.code, r.stderr + r.stdout).toBe(3);
    expect(r.stdout).toMatch(/BUDGET FAILED smoke › smoke\.publish: p50 < 0\.001ms, measured [\d.]+ ms/);
  }, 240_000);

  it('invalid config: exit 2 listing every error at once, before any infrastructure starts', () => {
    const config = writeConfig('bad.json', {
      budgets: { ci: { 'smoke.publish': { p97: '< 1ms', p95: 'fast' } }, weekly: {} },
      colour: 'red',
    });
    const r = run([SMOKE, '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LL_BUDGET_CONFIG_INVALID');
    expect(r.stderr).toContain('p97');
    expect(r.stderr).toContain('fast');
    expect(r.stderr).toContain('weekly');
    expect(r.stderr).toContain('colour');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('an injected lost operation: exit 4', () => {
    const r = run([LOSSY, '--out', path.join(tmp, 'lossy')]);
    expect(r.code, r.stderr + r.stdout).toBe(4);
    expect(r.stdout).toContain('LL_DATA_LOSS');
  }, 240_000);
});
