import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../../test/support/index.js';
import { isAlive } from '../infra/index.js';
import { startApiChild } from './index.js';

const REDIS_URL = TEST_REDIS_URL;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'api_child', optimizations: 'none' });
}, 60_000);

afterAll(async () => {
  await db.drop();
});

async function gone(pid: number, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

const config = (variant: 'audited' | 'optimized') => ({
  databaseUrl: db.url,
  redisUrl: REDIS_URL,
  redisKeyPrefix: `ll:t:apichild:${variant}:`,
  variant,
  db: { poolMax: 3 },
});

describe('startApiChild', () => {
  it('serves the engine built from the given config in another process, and stops by PID', async () => {
    const child = await startApiChild({ config: config('audited') });
    expect(child.pid).not.toBe(process.pid);
    const res = await fetch(`${child.baseUrl}/api/health`);
    const body = (await res.json()) as { variant?: string; pool?: { max?: number } };
    // The child's engine is the one the config asked for (variant and pool size).
    expect(body.variant).toBe('audited');
    expect(body.pool?.max).toBe(3);
    expect(child.cpuMs()).toBeGreaterThan(0);
    await child.stop();
    expect(isAlive(child.pid)).toBe(false);
  }, 60_000);

  it('SIGKILLs the child when the signal aborts', async () => {
    const ac = new AbortController();
    const child = await startApiChild({ config: config('optimized'), signal: ac.signal });
    ac.abort();
    expect(await gone(child.pid)).toBe(true);
    await child.stop();
  }, 60_000);

  it("rejects with the child's stderr when the server cannot start", async () => {
    const before = Date.now();
    await expect(startApiChild({ config: { ...config('optimized'), db: { poolMax: -1 } } })).rejects.toMatchObject({
      code: 'LL_SERVER_CHILD_FAILED',
      kind: 'infra',
      message: expect.stringMatching(/exited .* before listening[\s\S]*poolMax/),
    });
    expect(Date.now() - before).toBeLessThan(30_000);
  }, 60_000);

  it('stops on its own when its parent dies without a word (stdin closes)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-apichild-'));
    const script = path.join(dir, 'parent.mts');
    const index = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'index.ts')).href;
    fs.writeFileSync(
      script,
      `import { startApiChild } from ${JSON.stringify(index)};
const c = await startApiChild({ config: ${JSON.stringify(config('optimized'))} });
console.log(c.pid);
setInterval(() => undefined, 1000);
`,
    );
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const parent = spawn(process.execPath, ['--import', tsx, script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        parent.stdout?.once('data', (b: Buffer) => resolve(Number(String(b).trim())));
        parent.once('exit', (code) => reject(new Error(`parent exited ${code}`)));
      });
      expect(isAlive(pid)).toBe(true);
      parent.kill('SIGKILL');
      expect(await gone(pid, 15_000), `server child ${pid} outlived its SIGKILLed parent`).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
