/** `loadlab report` end to end, through the real entry point (bin/loadlab.js). */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../bin/loadlab.js');
const FIXTURE = resolve(import.meta.dirname, '../harness/result/fixtures/sample-run.json');

async function loadlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('loadlab report', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadlab-report-cli-'));
    await copyFile(FIXTURE, join(dir, 'audit.json'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('re-renders every format into --out and exits 0', async () => {
    const out = join(dir, 'out');
    const r = await loadlab('report', join(dir, 'audit.json'), '--format', 'md,html,junit,json', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['audit.html', 'audit.json', 'audit.md', 'junit.xml']);
    expect(JSON.parse(r.stdout)).toMatchObject({ files: expect.arrayContaining([join(out, 'audit.md')]) as unknown });
    expect(JSON.parse(await readFile(join(out, 'audit.json'), 'utf8'))).toEqual(JSON.parse(await readFile(FIXTURE, 'utf8')));
  });

  it('re-renders in place without rewriting its input', async () => {
    const r = await loadlab('report', join(dir, 'audit.json'), '--format', 'md,json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('audit.md');
    expect(r.stdout).not.toContain('audit.json');
  });

  it('exits 2 with a clear message for a missing file', async () => {
    const r = await loadlab('report', join(dir, 'missing.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*missing\.json \[LL_REPORT_INPUT_MISSING\]/);
  });

  it('exits 2 for a file that is not JSON or not a RunResult', async () => {
    await writeFile(join(dir, 'broken.json'), '{ nope');
    const broken = await loadlab('report', join(dir, 'broken.json'));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not JSON');
    await writeFile(join(dir, 'other.json'), JSON.stringify({ schemaVersion: 1, hello: 'world' }));
    const other = await loadlab('report', join(dir, 'other.json'));
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/is not a loadlab RunResult \(\d+ schema error\(s\)\)[\s\S]*LL_REPORT_INPUT_INVALID/);
  });

  it('exits 2 for an unknown format', async () => {
    const r = await loadlab('report', join(dir, 'audit.json'), '--format', 'pdf');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown report format: pdf');
  });
});
