import net from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from '../../test/support/index.js';
import { FaultProxy } from './index.js';

const PG = new URL(TEST_PG_ADMIN_URL);
const REDIS = new URL(TEST_REDIS_URL);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function proxyTo(port: number, host = '127.0.0.1'): Promise<FaultProxy> {
  const p = await FaultProxy.start({ target: { host, port } });
  cleanups.push(() => p.close());
  return p;
}

async function medianMs(n: number, fn: () => Promise<unknown>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return xs[Math.floor(n / 2)]!;
}

describe('FaultProxy in front of the real PostgreSQL', () => {
  it('adds measurable latency, and after a reset a new client works', async () => {
    const proxy = await proxyTo(Number(PG.port || 5432), PG.hostname);
    const connect = async (): Promise<pg.Client> => {
      const c = new pg.Client({
        host: proxy.host,
        port: proxy.port,
        user: decodeURIComponent(PG.username) || 'postgres',
        password: decodeURIComponent(PG.password) || undefined,
        database: PG.pathname.slice(1) || 'postgres',
      });
      c.on('error', () => undefined);
      await c.connect();
      cleanups.push(() => c.end().catch(() => undefined));
      return c;
    };
    const c1 = await connect();
    const base = await medianMs(5, () => c1.query('SELECT 1'));
    proxy.setLatency(40, 5);
    const slow = await medianMs(5, () => c1.query('SELECT 1'));
    proxy.clearLatency();
    expect(slow - base).toBeGreaterThan(30);
    expect(slow - base).toBeLessThan(120);

    proxy.reset();
    await expect(c1.query('SELECT 1')).rejects.toThrow();
    const c2 = await connect();
    expect((await c2.query('SELECT 42 AS x')).rows[0].x).toBe(42);
    const s = proxy.stats();
    expect(s.resets).toBe(1);
    expect(s.connectionsTotal).toBe(2);
    expect(s.bytesDownstream).toBeGreaterThan(0);
    expect(s.bytesUpstream).toBeGreaterThan(0);
  });
});

describe('FaultProxy in front of the real Redis', () => {
  const client = (proxy: FaultProxy): Redis => {
    const r = new Redis({
      host: proxy.host,
      port: proxy.port,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 50,
      enableOfflineQueue: true,
    });
    r.on('error', () => undefined);
    cleanups.push(() => {
      r.disconnect();
    });
    return r;
  };

  it('adds latency, and ioredis recovers after reset and after down', async () => {
    const proxy = await proxyTo(Number(REDIS.port || 6379), REDIS.hostname);
    const r = client(proxy);
    await r.connect();
    const key = `ll_t_faults_${process.pid}_${Date.now()}`;
    cleanups.push(async () => {
      const direct = new Redis(TEST_REDIS_URL, { lazyConnect: true });
      await direct.connect();
      await direct.del(key);
      direct.disconnect();
    });
    const base = await medianMs(5, () => r.ping());
    proxy.setLatency(30, 0, 'both');
    const slow = await medianMs(5, () => r.ping());
    proxy.clearLatency();
    expect(slow - base).toBeGreaterThan(50);

    await r.set(key, '1');
    proxy.reset();
    // The command in flight at the reset may fail; the client must reconnect on its own.
    await expect.poll(async () => r.incr(key).catch(() => -1), { timeout: 3000, interval: 50 }).toBeGreaterThan(1);

    await proxy.down();
    expect(proxy.isUp).toBe(false);
    await expect(r.ping()).rejects.toThrow();
    await proxy.up();
    await expect.poll(() => r.ping().catch(() => 'down'), { timeout: 3000, interval: 50 }).toBe('PONG');
    expect(proxy.stats().refused).toBeGreaterThanOrEqual(1);
  });
});

describe('FaultProxy shaping', () => {
  it('keeps byte order under jitter and honours a bandwidth limit', async () => {
    const echo = net.createServer((s) => {
      s.on('error', () => undefined);
      s.pipe(s);
    });
    await new Promise<void>((res) => echo.listen(0, '127.0.0.1', () => res()));
    cleanups.push(() => new Promise<void>((res) => echo.close(() => res())));
    const port = (echo.address() as net.AddressInfo).port;
    const proxy = await proxyTo(port);
    proxy.setLatency(10, 9, 'upstream');
    const sock = net.connect(proxy.port, '127.0.0.1');
    cleanups.push(() => {
      sock.destroy();
    });
    const received: Buffer[] = [];
    sock.on('data', (b: Buffer) => received.push(b));
    await new Promise<void>((res) => sock.once('connect', () => res()));
    const sent: string[] = [];
    for (let i = 0; i < 50; i++) {
      sent.push(`${i},`);
      sock.write(`${i},`);
      await new Promise((r) => setImmediate(r));
    }
    await expect.poll(() => Buffer.concat(received).toString(), { timeout: 3000 }).toBe(sent.join(''));

    proxy.clearLatency();
    proxy.setBandwidth(100_000);
    received.length = 0;
    const t = performance.now();
    const payload = Buffer.alloc(40_000, 7);
    sock.write(payload);
    await expect.poll(() => Buffer.concat(received).length, { timeout: 4000, interval: 20 }).toBe(payload.length);
    // 40 KB each way at 100 KB/s: at least ~0.3 s even though one direction may arrive in one chunk.
    expect(performance.now() - t).toBeGreaterThan(250);
  });

  it('resets the client when the target refuses', async () => {
    const closed = net.createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', () => res()));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((res) => closed.close(() => res()));
    const proxy = await proxyTo(port);
    const sock = net.connect(proxy.port, '127.0.0.1');
    cleanups.push(() => {
      sock.destroy();
    });
    const err = await new Promise<NodeJS.ErrnoException | null>((res) => {
      sock.on('error', (e) => res(e));
      sock.on('close', () => res(null));
    });
    expect(err === null || err.code === 'ECONNRESET').toBe(true);
    expect(proxy.stats().connectionsActive).toBe(0);
  });
});
