import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateRunResult, type RunResult } from '../result/index.js';
import {
  PROFILE_MANIFEST,
  parseDuration,
  parseTool,
  recordProfile,
  removeStaleTraceLogs,
  resolveClinic,
  runProfile,
  type ProfileManifest,
} from './index.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/loadlab.js');
const SAMPLE = path.resolve(import.meta.dirname, '../result/fixtures/sample-run.json');
const dir = mkdtempSync(path.join(tmpdir(), 'll-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'profile', ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loadlab profile: usage errors (exit 2, stable codes)', () => {
  it('an unknown tool, and bubbleprof with the reason it is not offered', () => {
    expect(() => parseTool('bubbleprof')).toThrow(
      expect.objectContaining({ code: 'LL_PROFILE_TOOL_UNKNOWN', kind: 'usage', message: expect.stringContaining('hangs') }),
    );
    expect(parseTool('heap')).toBe('heap');
    expect(() => parseDuration('0')).toThrow(expect.objectContaining({ code: 'LL_USAGE' }));
    const r = cli(['--tool', 'perf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown profiling tool "perf" [LL_PROFILE_TOOL_UNKNOWN]');
    expect(r.stderr).toContain('--tool doctor|flame|heap');
  });

  it('a missing clinic install names the command that fixes it', () => {
    const noClinic = ((id: string) => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    }) as unknown as NodeJS.Require;
    noClinic.resolve = ((id: string) => noClinic(id)) as NodeJS.RequireResolve;
    expect(() => resolveClinic(undefined, noClinic)).toThrow(
      expect.objectContaining({
        code: 'LL_CLINIC_MISSING',
        kind: 'config',
        message: 'clinic is not installed',
        hint: expect.stringContaining('npm install clinic@13 --save-optional'),
      }),
    );
    const r = cli(['--tool', 'flame', '--clinic', path.join(dir, 'nowhere', 'bin.js')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[LL_CLINIC_MISSING]');
    expect(r.stderr).toContain('npm install clinic@13 --save-optional');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('an unknown scenario and a bad duration', () => {
    expect(cli(['--scenario', 'failover']).stderr).toContain('[LL_SCENARIO_UNKNOWN]');
    const r = cli(['--duration', 'ten']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[LL_USAGE]');
  });
});

describe('profile housekeeping', () => {
  it('removes stale node_trace logs only', () => {
    const d = path.join(dir, 'traces');
    mkdirSync(d);
    for (const f of ['node_trace.1.log', 'node_trace.12.log', 'app.log', 'node_trace.x.log']) writeFileSync(path.join(d, f), '');
    expect(removeStaleTraceLogs(d).sort()).toEqual(['node_trace.1.log', 'node_trace.12.log']);
    expect(existsSync(path.join(d, 'app.log')) && existsSync(path.join(d, 'node_trace.x.log'))).toBe(true);
  });

  it('records the artifact in profile.json and in a valid audit.json', () => {
    const out = path.join(dir, 'report');
    mkdirSync(out);
    const audit = { ...(JSON.parse(readFileSync(SAMPLE, 'utf8')) as RunResult), artifacts: [] };
    writeFileSync(path.join(out, 'audit.json'), JSON.stringify(audit));
    const run = {
      tool: 'flame' as const,
      scenario: 'http-load',
      startedAt: new Date(0).toISOString(),
      durationSec: 5,
      artifact: { name: 'flame', path: 'profile/flame.html', kind: 'flamegraph' as const },
      load: [],
    };
    expect(recordProfile(out, run).auditUpdated).toBe(true);
    recordProfile(out, { ...run, tool: 'doctor', artifact: { name: 'doctor', path: 'profile/doctor.html', kind: 'doctor' } });
    recordProfile(out, run);
    const updated = validateRunResult(JSON.parse(readFileSync(path.join(out, 'audit.json'), 'utf8')));
    if (!updated.valid) throw new Error(JSON.stringify(updated.errors));
    expect(updated.value.artifacts.map((a) => a.path)).toEqual(['profile/doctor.html', 'profile/flame.html']);
    const manifest = JSON.parse(readFileSync(path.join(out, PROFILE_MANIFEST), 'utf8')) as ProfileManifest;
    expect(manifest.runs.map((r) => r.tool)).toEqual(['doctor', 'flame']);
  });
});

// Stands in for clinic: acts as `loadlab serve` (prints its JSON line, answers the API), and on
// SIGINT writes an HTML report into --dest and exits 130, as clinic flame does after Ctrl-C.
const FAKE_CLINIC = `
const http = require('node:http');
const fs = require('node:fs');
const args = process.argv.slice(2);
const dest = args[args.indexOf('--dest') + 1];
const port = Number(args[args.indexOf('--port') + 1]);
let n = 0;
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.method === 'POST') { res.statusCode = 201; res.end(JSON.stringify({ id: 'bo1_' + (++n) })); return; }
  res.end(JSON.stringify({ status: 'ok', sessions: [] }));
});
server.listen(port, '127.0.0.1', () => {
  console.log('To generate the report press: Ctrl + C');
  console.log(JSON.stringify({ url: 'http://127.0.0.1:' + port, token: 'tok', pid: process.pid, args }));
});
process.on('SIGINT', () => {
  fs.mkdirSync(dest, { recursive: true });
  fs.writeFileSync(dest + '/' + process.pid + '.clinic-' + args[0] + '.html', '<html>' + args.join(' ') + '</html>');
  process.exit(130);
});
`;

describe('runProfile (with a stand-in for clinic)', () => {
  it('drives the endpoints, stops serve with SIGINT, moves the HTML into the report folder', async () => {
    const fake = path.join(dir, 'fake-clinic.cjs');
    writeFileSync(fake, FAKE_CLINIC);
    const out = path.join(dir, 'lp');
    const status: string[] = [];
    const r = await runProfile({
      clinicBin: fake,
      tool: 'flame',
      scenario: 'http-load',
      durationSec: 1,
      outDir: out,
      connections: 4,
      env: process.env,
      onStatus: (l) => status.push(l),
    });
    expect(r.html).toBe(path.join(out, 'profile', 'flame.html'));
    const html = readFileSync(r.html, 'utf8');
    // clinic was asked for the tool, a destination, no browser, and to run serve on a port.
    expect(html).toMatch(
      /^<html>flame --dest \S+ --open=false -- \S+ \S+bin\/loadlab\.js serve --port \d+ --host 127\.0\.0\.1 --json<\/html>$/,
    );
    expect(r.run.load.map((l) => l.name)).toEqual(['list_sessions', 'session_detail', 'actions_by_tags', 'health']);
    expect(r.run.load.every((l) => l.requests > 0 && l.non2xx === 0)).toBe(true);
    expect(r.run.artifact).toEqual({ name: 'clinic flame graph (http-load)', path: 'profile/flame.html', kind: 'flamegraph' });
    expect(r.auditUpdated).toBe(false);
    expect(existsSync(path.join(out, PROFILE_MANIFEST))).toBe(true);
    expect(readFileSync(path.join(out, PROFILE_MANIFEST), 'utf8')).toContain('profile/flame.html');
    // The temporary clinic folder (raw samples) is gone.
    expect(readdirSync(out).sort()).toEqual(['profile', PROFILE_MANIFEST]);
    expect(status.some((l) => l.startsWith('driving http://127.0.0.1:'))).toBe(true);
  });

  it('fails with the last output when clinic exits before serve is ready', async () => {
    const dead = path.join(dir, 'dead-clinic.cjs');
    writeFileSync(dead, "console.error('clinic: something broke'); process.exit(1);\n");
    await expect(
      runProfile({
        clinicBin: dead,
        tool: 'doctor',
        scenario: 'http-load',
        durationSec: 1,
        outDir: path.join(dir, 'dead'),
        env: process.env,
      }),
    ).rejects.toMatchObject({ code: 'LL_PROFILE_FAILED', kind: 'infra', message: expect.stringContaining('clinic: something broke') });
  });
});
