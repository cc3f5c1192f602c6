/** `loadlab compare` end to end, through the real entry point (bin/loadlab.js). */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../result/index.js';

const BIN = resolve(import.meta.dirname, '../../bin/loadlab.js');
const FIXTURE = resolve(import.meta.dirname, '../result/fixtures/sample-run.json');
const METRIC = 'query-latency/query.list_sessions.task_count.p95';

async function loadlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The fixture with per-repeat p95s on one query, scaled by `factor`. */
function withRepeats(run: RunResult, factor: number): RunResult {
  const copy = structuredClone(run);
  const h = copy.scenarios.find((s) => s.name === 'query-latency')?.measurements.histograms['query.list_sessions.task_count'];
  if (h === undefined) throw new Error('fixture changed');
  h.repeats = [1.12, 1.16, 1.19, 1.15, 1.21].map((x) => Number((x * factor).toFixed(3)));
  h.p95 = Number((h.p95 * factor).toFixed(3));
  return copy;
}

describe('loadlab compare', () => {
  let dir = '';
  const path = (name: string): string => join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadlab-compare-cli-'));
    const run = JSON.parse(await readFile(FIXTURE, 'utf8')) as RunResult;
    await writeFile(path('base.json'), JSON.stringify(withRepeats(run, 1)));
    await writeFile(path('same.json'), JSON.stringify(withRepeats(run, 1)));
    await writeFile(path('slow.json'), JSON.stringify(withRepeats(run, 3)));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 for identical runs and states the rule', async () => {
    const r = await loadlab('compare', path('base.json'), path('same.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rule: A metric regresses when it gets worse by more than 10% AND by more than 0.5 ms');
    expect(r.stdout).toMatch(/\d+ metrics compared: 0 regressed, 0 improved/);
  });

  it('exits 5 and names the metric when one p95 tripled in every repeat', async () => {
    const r = await loadlab('compare', path('base.json'), path('slow.json'));
    expect(r.code).toBe(5);
    expect(r.stdout).toContain(`regressed: ${METRIC}`);
    expect(r.stdout).toMatch(new RegExp(`${METRIC.replace(/[.]/g, '\\.')} .*bootstrap 95%.*REGRESSION`));
    expect(r.stderr).toContain(`1 regression(s): ${METRIC}`);
  });

  it('--json prints the regressions for machines; the floors are options', async () => {
    const r = await loadlab('compare', path('base.json'), path('slow.json'), '--json', '--rel-floor', '0.2', '--abs-floor-ms', '1');
    expect(r.code).toBe(5);
    const out = JSON.parse(r.stdout) as { regressions: { key: string }[]; options: { relFloor: number; absFloorMs: number } };
    expect(out.regressions.map((x) => x.key)).toEqual([METRIC]);
    expect(out.options).toMatchObject({ relFloor: 0.2, absFloorMs: 1 });
    // A floor above the slowdown (2.3 ms) lets it pass.
    expect((await loadlab('compare', path('base.json'), path('slow.json'), '--abs-floor-ms', '5')).code).toBe(0);
  });

  it('exits 2 for a missing input or a bad floor', async () => {
    expect((await loadlab('compare', path('base.json'), path('nope.json'))).code).toBe(2);
    const bad = await loadlab('compare', path('base.json'), path('same.json'), '--rel-floor', 'ten');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--rel-floor must be a non-negative number');
  });
});
