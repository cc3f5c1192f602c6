import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, type RunRecord } from '../../harness/infra/index.js';
import { validateRunResult, type RunResult } from '../../harness/result/index.js';
import { TEST_PG_ADMIN_URL } from '../support/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/loadlab.js');
const FIXTURES = path.join(ROOT, 'test/fixtures/scenarios');

interface Running {
  pid: number;
  exited: Promise<{ code: number | null; ms: number }>;
  stderr(): string;
  stdout(): string;
  /** Resolves once stderr matches `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Issue 17: a run stopped by a signal exits 7 with its partial result, a crash exits 1 as
 * LL_INTERNAL with its partial result, and neither leaves a child process, a database or a data
 * directory behind. Real CLI, shared PostgreSQL, a redis-server child of the run.
 */
describe('loadlab run: interrupted and crashed runs', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'll-int-'));
  const stateDir = path.join(tmp, 'state');
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const start = (args: string[], env: NodeJS.ProcessEnv = {}): Running => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, LOADLAB_STATE_DIR: stateDir, CI: 'true', ...env };
    delete childEnv.DATABASE_URL;
    delete childEnv.REDIS_URL;
    const t0 = Date.now();
    // A process group of its own, so that a test can signal the group as `timeout` and a terminal do.
    const proc = spawn(process.execPath, [BIN, 'run', ...args, '--database-url', TEST_PG_ADMIN_URL], {
      cwd: tmp,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    let stdout = '';
    const waiters: { re: RegExp; resolve: () => void }[] = [];
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      for (const w of [...waiters]) {
        if (w.re.test(stderr)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
    const exited = new Promise<{ code: number | null; ms: number }>((resolve) =>
      proc.once('exit', (code) => resolve({ code, ms: Date.now() - t0 })),
    );
    return {
      pid: proc.pid!,
      exited,
      stderr: () => stderr,
      stdout: () => stdout,
      waitFor: (re, timeoutMs = 120_000) =>
        new Promise<void>((resolve, reject) => {
          if (re.test(stderr)) return resolve();
          const timer = setTimeout(() => reject(new Error(`no ${re} on stderr in ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
          waiters.push({
            re,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
          void exited.then(() => reject(new Error(`exited before ${re}:\n${stderr}`)));
        }),
      kill: (signal) => proc.kill(signal),
    };
  };

  /** The run's record (children, run id) while it runs. */
  const liveRecord = (): RunRecord => {
    const runs = fs.readdirSync(path.join(stateDir, 'runs'));
    expect(runs).toHaveLength(1);
    return JSON.parse(fs.readFileSync(path.join(stateDir, 'runs', runs[0]!, 'run.json'), 'utf8')) as RunRecord;
  };

  const expectNothingLeft = async (record: RunRecord): Promise<void> => {
    for (const child of record.children) expect(isAlive(child.pid), `${child.kind} pid ${child.pid}`).toBe(false);
    expect(fs.readdirSync(path.join(stateDir, 'runs'))).toEqual([]);
    const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
        `loadlab_${record.runId}_%`,
      ]);
      expect(rows.map((r) => r.datname)).toEqual([]);
    } finally {
      await admin.end();
    }
  };

  const readResult = (dir: string): RunResult => {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'audit.json'), 'utf8')) as unknown;
    const check = validateRunResult(json);
    expect(check.valid ? [] : check.errors).toEqual([]);
    return json as RunResult;
  };

  it('SIGINT during a scenario: exit 7, a partial audit.json that `loadlab report` renders, nothing left behind', async () => {
    const out = path.join(tmp, 'sigint');
    const run = start([path.join(FIXTURES, 'interruptible.ts'), '--out', out]);
    await run.waitFor(/interruptible: waiting for a signal/);
    const record = liveRecord();
    expect(record.children.map((c) => c.kind)).toEqual(['redis']);
    run.kill('SIGINT');
    const { code } = await run.exited;
    expect(code, run.stderr() + run.stdout()).toBe(7);
    expect(run.stderr()).toContain('SIGINT: stopping; writing the partial result');
    expect(run.stdout()).toContain('exit 7: interrupted');
    const result = readResult(out);
    expect(result.status).toBe('aborted');
    expect(result.scenarios.map((s) => [s.name, s.status])).toEqual([['interruptible', 'aborted']]);
    expect(result.scenarios[0]?.measurements.counters['interruptible.started']?.value).toBe(1);
    await expectNothingLeft(record);

    const rendered = path.join(tmp, 'sigint-report');
    const report = spawnSync(
      process.execPath,
      [BIN, 'report', path.join(out, 'audit.json'), '--out', rendered, '--format', 'md,html,junit'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(report.status, report.stderr).toBe(0);
    expect(fs.readFileSync(path.join(rendered, 'audit.md'), 'utf8')).toContain('interruptible');
  }, 180_000);

  it('SIGTERM during the seeding, sent as `timeout` does: the seeding is cancelled at once, exit 7, an aborted audit.json, nothing left behind', async () => {
    const out = path.join(tmp, 'sigterm');
    const run = start([path.join(FIXTURES, 'interruptible-seeded.ts'), '--data', 'ci', '--out', out]);
    await run.waitFor(/seed \(ci\): prepare/);
    // Inside the COPYs by now (preparing the value pools takes well under a second).
    await new Promise((r) => setTimeout(r, 2_000));
    const record = liveRecord();
    const t0 = Date.now();
    // `timeout` signals its child, then the child's whole process group: the harness gets the
    // signal twice, a moment apart, which must not count as an impatient second Ctrl-C.
    run.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    process.kill(-run.pid, 'SIGTERM');
    const { code } = await run.exited;
    expect(code, run.stderr() + run.stdout()).toBe(7);
    // Far below the 15 s grace: the seeding stopped when told, instead of being cut off.
    expect(Date.now() - t0).toBeLessThan(12_000);
    expect(run.stderr()).not.toMatch(/^\s+at /m);
    const result = readResult(out);
    expect(result.status).toBe('aborted');
    expect(result.scenarios).toEqual([]);
    await expectNothingLeft(record);
  }, 180_000);

  it('an exception nothing catches: LL_INTERNAL, exit 1, no stack, a partial audit.json, nothing left behind', async () => {
    const out = path.join(tmp, 'crash');
    const run = start([path.join(FIXTURES, 'crashing.ts'), '--out', out]);
    await run.waitFor(/crashing: run/);
    const record = liveRecord();
    const { code } = await run.exited;
    expect(code, run.stderr() + run.stdout()).toBe(1);
    expect(run.stderr()).toContain('loadlab: internal error: boom from a timer callback [LL_INTERNAL]');
    expect(run.stderr()).toContain('LOADLAB_LOG_LEVEL=debug');
    expect(run.stderr()).not.toMatch(/^\s+at /m);
    const result = readResult(out);
    expect(result.status).toBe('error');
    expect(result.exitCode).toBe(1);
    expect(result.error).toMatchObject({ code: 'LL_INTERNAL', message: 'boom from a timer callback' });
    await expectNothingLeft(record);
  }, 180_000);

  it('the stack of an internal error is shown at LOADLAB_LOG_LEVEL=debug', async () => {
    const run = start([path.join(FIXTURES, 'crashing.ts'), '--out', path.join(tmp, 'crash-debug')], { LOADLAB_LOG_LEVEL: 'debug' });
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.stderr()).toContain('[LL_INTERNAL]');
    expect(run.stderr()).toMatch(/^\s+at .*crashing\.ts/m);
  }, 180_000);
});
