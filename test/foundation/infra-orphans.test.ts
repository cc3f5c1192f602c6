import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, isPortOpen, provisionInfra, type RunRecord } from '../../harness/infra/index.js';
import { TEST_PG_ADMIN_URL } from '../support/index.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/loadlab.js');

function childEnv(stateDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOADLAB_STATE_DIR: stateDir };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return env;
}

async function startUp(stateDir: string): Promise<{ proc: ReturnType<typeof spawn>; runId: string; stderr: () => string }> {
  const proc = spawn(process.execPath, [BIN, 'infra', 'up', '--json'], { env: childEnv(stateDir), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`infra up printed nothing in 90 s: ${stderr}`)), 90_000);
    readline.createInterface({ input: proc.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    proc.once('exit', (code) => reject(new Error(`infra up exited ${code}: ${stderr}`)));
  });
  return { proc, runId: (JSON.parse(line) as { runId: string }).runId, stderr: () => stderr };
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('loadlab infra up stopped with %s', (signal, code) => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-state-'));
  afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it('stops its children and removes its run directory', async () => {
    const { proc, runId } = await startUp(stateDir);
    const runDir = path.join(stateDir, 'runs', runId);
    const record = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as RunRecord;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    proc.kill(signal);
    expect(await exited).toBe(code);
    for (const child of record.children) {
      expect(isAlive(child.pid)).toBe(false);
      expect(await isPortOpen(child.port)).toBe(false);
    }
    expect(fs.existsSync(runDir)).toBe(false);
  }, 120_000);
});

describe('loadlab infra up, SIGKILLed, is cleaned up by the next start', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-state-'));
  afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it('leaves no postgres or redis-server process, port or data directory behind', async () => {
    const up = spawn(process.execPath, [BIN, 'infra', 'up', '--json'], { env: childEnv(stateDir), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    up.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`infra up printed nothing in 90 s: ${stderr}`)), 90_000);
      readline.createInterface({ input: up.stdout }).once('line', (line) => {
        clearTimeout(timer);
        resolve(line);
      });
      up.once('exit', (code) => reject(new Error(`infra up exited ${code}: ${stderr}`)));
    });
    const printed = JSON.parse(first) as { runId: string; databaseUrl: string; redisUrl: string };
    expect(printed.databaseUrl).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/loadlab_/);
    expect(printed.redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);

    const runDir = path.join(stateDir, 'runs', printed.runId);
    const record = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as RunRecord;
    const kinds = record.children.map((c) => c.kind).sort();
    expect(kinds).toEqual(['postgres', 'redis']);
    const exited = new Promise((resolve) => up.once('exit', resolve));
    up.kill('SIGKILL');
    await exited;

    // The harness is gone; its children are orphans still holding their ports.
    for (const child of record.children) {
      expect(isAlive(child.pid)).toBe(true);
      expect(await isPortOpen(child.port)).toBe(true);
    }
    expect(fs.existsSync(path.join(runDir, 'pg'))).toBe(true);

    // The next start: provisioning removes what the crashed run left.
    const next = await provisionInfra({ stateDir, databaseUrl: TEST_PG_ADMIN_URL, redis: false });
    try {
      expect(next.stale.runs).toContain(printed.runId);
      expect(next.stale.killed.map((k) => k.kind).sort()).toEqual(['postgres', 'redis']);
    } finally {
      await next.close();
    }
    for (const child of record.children) {
      expect(isAlive(child.pid)).toBe(false);
      expect(await isPortOpen(child.port)).toBe(false);
    }
    expect(fs.existsSync(runDir)).toBe(false);
  }, 150_000);
});
