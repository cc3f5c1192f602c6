import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_ADMIN_URL } from '../../test/support/index.js';
import { isAlive, provisionInfra } from './index.js';

/** The process group of `pid` (field 5 of /proc/<pid>/stat, after the parenthesised command). */
function processGroup(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('provisioned infrastructure: teardown', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-prov-'));
  afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it('close() is one teardown however many callers: all of them wait for it to finish', async () => {
    const infra = await provisionInfra({ stateDir, databaseUrl: TEST_PG_ADMIN_URL });
    const dir = path.join(stateDir, 'runs', infra.runId);
    const redisPid = infra.redis?.pid();
    expect(redisPid).toBeDefined();
    await infra.createDatabase('one');
    const first = infra.close();
    const second = infra.close();
    expect(second).toBe(first);
    await second;
    // The second caller returned only once everything was gone, not as soon as it saw "closing".
    expect(isAlive(redisPid!)).toBe(false);
    expect(fs.existsSync(dir)).toBe(false);
  }, 60_000);

  it('the redis-server child runs in a process group of its own, out of reach of a Ctrl-C meant for the harness', async () => {
    const infra = await provisionInfra({ stateDir, databaseUrl: TEST_PG_ADMIN_URL });
    try {
      const pid = infra.redis!.pid()!;
      expect(processGroup(pid)).toBe(pid);
      expect(processGroup(pid)).not.toBe(processGroup(process.pid));
    } finally {
      await infra.close();
    }
  }, 60_000);

  it('abandon() kills the children and removes the run directory at once', async () => {
    const infra = await provisionInfra({ stateDir, databaseUrl: TEST_PG_ADMIN_URL });
    const dir = path.join(stateDir, 'runs', infra.runId);
    const pid = infra.redis!.pid()!;
    infra.abandon();
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && isAlive(pid)) await new Promise((r) => setTimeout(r, 25));
    expect(isAlive(pid)).toBe(false);
    expect(fs.existsSync(dir)).toBe(false);
    await infra.close();
  }, 60_000);
});
