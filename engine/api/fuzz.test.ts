import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { startApiFixture, type ApiFixture } from './internal/fixture.js';
import { seededRandom } from '../random/index.js';

// ≥2,000 malformed requests from a seeded generator: none may produce a 5xx, every error is the
// JSON error shape, and /api/health still answers afterwards.
const SEED = 20_251_222;
const REQUESTS = 2_400;

const prng = seededRandom;

const WEIRD_STRINGS = [
  "' OR 1=1 --",
  '"; DROP TABLE sessions; --',
  '%00',
  '\u0000',
  '\\x00',
  '../../etc/passwd',
  '%2e%2e%2f',
  '😀'.repeat(50),
  '\u202e\u0301\u200b',
  '\ud800',
  '𝕏'.repeat(3_000),
  'a'.repeat(5_000),
  '',
  ' ',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '0x1F',
  '99999999999999999999999',
  '$1',
  '%s%n',
  '<script>alert(1)</script>',
  '{"a":1}',
  'null',
  'true',
  '[]',
  'bo1_',
  'bo1_' + 'f'.repeat(300),
  ';',
  '\r\nX-Injected: 1',
];
const NUMBERS = [-1, 0, 1, 1.5, 101, 1e21, -1e21, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, 1e308];
const BAD_JSON = [
  '{bad',
  '{"problem_statement":',
  '[1,2',
  '{"a":1}}',
  'nul',
  '{"__proto__":{"x":1},"problem_statement":"abcdefghijkl"}',
  '{"constructor":{"prototype":{"x":1}},"problem_statement":"abcdefghijkl"}',
  '\u0000',
  '{"problem_statement":"\\ud800abcdefghijk"}',
  '['.repeat(5_000) + ']'.repeat(5_000),
  '{"problem_statement":"' + 'x'.repeat(3_000) + '"}',
  '"just a string"',
  '12345',
  'true',
  '{}',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

let f: ApiFixture;
let realSession: string;

beforeAll(async () => {
  f = await startApiFixture({ prefix: 'api_fuzz' });
  const r = await f.api.app.inject({
    method: 'POST',
    url: '/api/v1/sessions',
    headers: f.auth(f.users.a.token),
    payload: { problem_statement: 'A created session the fuzzer may read but never start' },
  });
  realSession = (JSON.parse(r.body) as { id: string }).id;
});

afterAll(async () => {
  await f?.close();
});

function generate(rand: () => number): InjectOptions {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const weird = (): string => pick(WEIRD_STRINGS);
  const enc = (s: string): string => {
    if (rand() >= 0.5) return s.replace(/[#?\s]/g, '_');
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80'; // a lone surrogate cannot be encoded: send the invalid UTF-8 it would be
    }
  };
  const junkId = (): string => enc(weird());
  const readId = (): string => (rand() < 0.3 ? realSession : junkId());
  const paths = [
    () => '/api/v1/sessions',
    () => `/api/v1/sessions/${readId()}`,
    () => `/api/v1/sessions/${readId()}/events`,
    () => `/api/v1/sessions/${readId()}/stream`,
    () => `/api/v1/sessions/${readId()}/costs`,
    () => `/api/v1/sessions/${junkId()}/start`,
    () => `/api/v1/sessions/${junkId()}/kill`,
    () => '/api/v1/actions',
    () => `/api/v1/actions/${junkId()}`,
    () => `/api/${junkId()}`,
    () => `/${junkId()}`,
    () => '/api/health',
    () => '/metrics',
  ];
  const queryParts = ['limit', 'offset', 'status', 'tag_ids', 'workspace_id', 'project_id', 'session_id', junkId()];
  let url = pick(paths)();
  if (rand() < 0.6) {
    const n = 1 + Math.floor(rand() * 3);
    const parts = Array.from({ length: n }, () => `${pick(queryParts)}=${enc(rand() < 0.5 ? weird() : String(pick(NUMBERS)))}`);
    url += `?${parts.join('&')}`;
  }
  const headers: Record<string, string> = {};
  const r = rand();
  if (r < 0.6) headers.authorization = `Bearer ${f.users.a.token}`;
  else if (r < 0.7) headers.authorization = `Bearer ${weird().replace(/[^\x20-\x7e]/g, '')}`;
  else if (r < 0.75) headers.authorization = 'x'.repeat(20_000);
  if (rand() < 0.1) headers['last-event-id'] = weird().replace(/[^\x20-\x7e]/g, '');
  if (rand() < 0.05) headers['x-huge'] = 'h'.repeat(60_000);
  if (rand() < 0.05) headers['x-request-id'] = weird().replace(/[^\x20-\x7e]/g, '');
  const method = rand() < 0.5 ? pick(['GET', 'POST'] as const) : pick(METHODS);
  const opts: InjectOptions = { method, url, headers };
  if (method !== 'GET' && method !== 'HEAD' && rand() < 0.8) {
    const kind = rand();
    if (kind < 0.4) {
      headers['content-type'] = pick(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON']);
      opts.payload = pick(BAD_JSON);
    } else if (kind < 0.8) {
      headers['content-type'] = 'application/json';
      const value = pick<unknown>([weird(), pick(NUMBERS), null, [weird()], { nested: { deeper: weird() } }, true]);
      opts.payload = JSON.stringify(rand() < 0.7 ? { problem_statement: value, [junkId()]: value } : value);
    } else {
      headers['content-type'] = pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        weird().replace(/[^\x20-\x7e]/g, '') || 'x/y',
      ]);
      opts.payload = weird();
    }
  }
  return opts;
}

describe('fuzz', () => {
  it(`${REQUESTS} malformed requests: zero 5xx, JSON errors, health still answers`, async () => {
    const rand = prng(SEED);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const opts = generate(rand);
      const res = await f.api.app.inject(opts);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500)
        failures.push(`${res.statusCode} ${String(opts.method)} ${String(opts.url).slice(0, 120)} → ${res.body.slice(0, 200)}`);
      else if (res.statusCode >= 400 && opts.method !== 'HEAD') {
        const body = JSON.parse(res.body) as { error?: { code?: string } };
        if (typeof body.error?.code !== 'string' || !body.error.code.startsWith('LL_API_'))
          failures.push(`bad error body ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect([...new Set(failures.map((x) => x.slice(0, 160)))]).toEqual([]);
    // The generator really reached past auth and validation, not only 401s.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(200);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(200);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    const health = await f.api.app.inject({ url: '/api/health' });
    expect(health.statusCode).toBe(200);
    // The created session was never started by the fuzzer (start/kill only saw junk ids).
    const row = await f.engine.repositories.sessions.get(realSession);
    expect(row?.status).toBe('created');
  });

  it('over a real socket: raw garbage, huge headers and bad request lines get a 4xx, never a 5xx', async () => {
    await f.api.app.listen({ port: 0, host: '127.0.0.1' });
    const address = f.api.app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const raw = (payload: string): Promise<string> =>
      new Promise((resolve) => {
        const sock = net.connect(port, '127.0.0.1', () => sock.end(payload));
        let out = '';
        sock.on('data', (d) => {
          out += d.toString('latin1');
        });
        sock.on('close', () => resolve(out));
        sock.on('error', () => resolve(out));
      });
    const payloads = [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      `GET /api/v1/sessions HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
      'POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'GET /api/v1/sessions\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    ];
    for (const p of payloads) {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(await raw(p))?.[1] ?? 0);
      expect(status === 0 || (status >= 400 && status < 500), p.slice(0, 40)).toBe(true);
    }
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
  });
});
