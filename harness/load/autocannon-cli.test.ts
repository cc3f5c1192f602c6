import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autocannonEstimate, findAutocannonCli, runAutocannonCli } from './index.js';

/** PIDs of this process's children whose command line contains `needle` (Linux /proc). */
function childrenRunning(needle: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return (
          Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid &&
          fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

let server: http.Server;
let base = '';
let seenAuth: string | undefined;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seenAuth = req.headers.authorization;
    // A fixed 3 ms answer: whole-ms truncation must read it as 3, never 2.
    setTimeout(() => res.end('{"ok":true}'), 3);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('autocannonEstimate', () => {
  const l = { p50: 7, p90: 8, p97_5: 14, p99: 20, max: 30, mean: 7.4, totalCount: 240 };
  it('reads a whole-ms percentile as the middle of its millisecond', () => {
    expect(autocannonEstimate(l, 'p50')).toBe(7.5);
  });
  it('interpolates p95 between p90 and p97.5 (two thirds of the way), then takes the middle', () => {
    expect(autocannonEstimate(l, 'p95')).toBeCloseTo(8 + (2 / 3) * 6 + 0.5, 9);
  });
});

describe('runAutocannonCli', () => {
  it('finds the CLI of the installed package', () => {
    const cli = findAutocannonCli();
    expect(cli?.script).toMatch(/autocannon[/\\]autocannon\.js$/);
    expect(cli?.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs the CLI in a child process at a fixed rate: one sample per response (-C), headers sent', async () => {
    const r = await runAutocannonCli({
      url: `${base}/x`,
      headers: { authorization: 'Bearer t0k' },
      connections: 2,
      overallRate: 100,
      amount: 50,
      warmupAmount: 10,
    });
    expect(seenAuth).toBe('Bearer t0k');
    expect(r.requests).toBe(50);
    // Without -C, autocannon back-fills a sample per millisecond of each response (~3x here).
    expect(r.latency.totalCount).toBe(50);
    expect(r.latency.p50).toBeGreaterThanOrEqual(3);
    expect(r.latency.p97_5).toBeGreaterThanOrEqual(r.latency.p90);
    expect(r.non2xx + r.errors + r.timeouts).toBe(0);
    expect(r.flags).toBe('-R 100 -c 2 -a 50 -C -W [ -c 2 --amount 10 ]');
  });

  it('fails with a stable code when the CLI gives no result', async () => {
    await expect(runAutocannonCli({ url: 'http://127.0.0.1:1/', connections: 1, overallRate: 10, amount: 0 })).rejects.toMatchObject({
      code: 'LL_LOAD_GENERATOR_FAILED',
      kind: 'infra',
    });
  });

  it('kills the CLI child when aborted', async () => {
    const ac = new AbortController();
    const run = runAutocannonCli({ url: `${base}/x`, connections: 1, overallRate: 10, amount: 1_000, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 500));
    expect(childrenRunning('autocannon.js'), 'the CLI runs as a child').toHaveLength(1);
    ac.abort();
    await expect(run).rejects.toBeDefined();
    expect(childrenRunning('autocannon.js'), 'no CLI child left').toEqual([]);
  });
});
