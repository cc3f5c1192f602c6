import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { History, checkHistory, historyCounters, runHttpLoad } from './index.js';

let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/fail') {
      res.statusCode = 503;
      res.end('no');
      return;
    }
    setTimeout(() => res.end('{"ok":true}'), 2);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('runHttpLoad (autocannon)', () => {
  it('drives a fixed rate and returns histogram summary, status codes and throughput', async () => {
    const r = await runHttpLoad({ url: `${base}/ok`, connections: 4, durationSec: 1, overallRate: 200 });
    expect(r.statusCodes['200']).toBeGreaterThan(150);
    expect(r.statusCodes['200']).toBeLessThan(260);
    expect(r.latency.count).toBeGreaterThanOrEqual(r.requests);
    expect(r.latency.p95).toBeGreaterThanOrEqual(r.latency.p50);
    expect(r.latency.unit).toBe('ms');
    expect(r.throughput.requestsPerSec).toBeGreaterThan(120);
    expect(r.non2xx).toBe(0);
  });

  it('counts non-2xx by code', async () => {
    const r = await runHttpLoad({ url: `${base}/fail`, connections: 2, amount: 20 });
    expect(r.statusCodes).toEqual({ '503': 20 });
    expect(r.non2xx).toBe(20);
  });
});

describe('History + checkHistory', () => {
  it('classifies lost, duplicated, unexpected, indeterminate and recovered', async () => {
    const h = new History();
    for (const id of ['a', 'b', 'c']) {
      h.invoke(id);
      h.ok(id);
    }
    h.invoke('d');
    h.fail('d', new Error('rejected'));
    h.invoke('e');
    h.unknown('e', Object.assign(new Error('t'), { code: 'ETIMEDOUT' }));
    h.invoke('f');
    h.unknown('f');
    h.invoke('g');
    await expect(
      h.track('h', async () => {
        throw new Error('reset');
      }),
    ).rejects.toThrow();
    await h.track('i', async () => 1);
    const c = checkHistory(h, ['a', 'b', 'b', 'd', 'f', 'z', 'i']);
    expect(c.valid).toBe(false);
    expect(c.lost).toEqual(['c']);
    expect(c.duplicated).toEqual([{ id: 'b', count: 2 }]);
    expect(c.unexpected).toEqual([
      { id: 'd', reason: 'reported-failed' },
      { id: 'z', reason: 'never-invoked' },
    ]);
    expect(c.indeterminate).toEqual(['e', 'g', 'h']);
    expect(c.recovered).toEqual(['f']);
    expect(h.list().find((e) => e.id === 'e')?.error).toBe('ETIMEDOUT');
    expect(historyCounters('events', c)['events.lost']).toEqual({ value: 1, unit: 'count' });
    expect(
      checkHistory(
        h.list().filter((e) => e.outcome === 'ok'),
        ['a', 'b', 'c', 'i'],
      ).valid,
    ).toBe(true);
  });
});
