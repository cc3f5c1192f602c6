import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateRunResult } from '../harness/result/index.js';
import { sampleRun } from './internal/fixtures.js';
import { writeReports } from './write.js';

describe('writeReports', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('writes the four report files, and the JSON round-trips through the schema', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadlab-reports-'));
    dirs.push(dir);
    const written = await writeReports(sampleRun(), join(dir, 'nested'));
    expect(written.map((w) => w.format)).toEqual(['md', 'html', 'junit', 'json']);
    expect((await readdir(join(dir, 'nested'))).sort()).toEqual(['audit.html', 'audit.json', 'audit.md', 'junit.xml']);
    const json: unknown = JSON.parse(await readFile(join(dir, 'nested', 'audit.json'), 'utf8'));
    expect(validateRunResult(json).valid).toBe(true);
  });

  it('writes only the formats asked for', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadlab-reports-'));
    dirs.push(dir);
    await writeReports(sampleRun(), dir, ['junit']);
    expect(await readdir(dir)).toEqual(['junit.xml']);
  });
});
