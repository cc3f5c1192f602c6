import { describe, expect, it } from 'vitest';
import { createMockLlm } from './handlers.js';
import { resolveMockProfile } from './profiles.js';
import { prng, sampleLatency } from './random.js';
import { createMockFetch } from './transport.js';

const body = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: 'claude-haiku-4-5-20251001',
    max_tokens: 50,
    messages: [{ role: 'user', content: 'hello' }],
    ...over,
  });

describe('mock LLM handlers', () => {
  it('samples a lognormal whose percentiles match p50/p99', () => {
    const rand = prng(7);
    const xs = Array.from({ length: 20_000 }, () => sampleLatency({ p50Ms: 100, p99Ms: 1_000 }, rand)).sort((a, b) => a - b);
    expect(xs[10_000]!).toBeGreaterThan(90);
    expect(xs[10_000]!).toBeLessThan(110);
    expect(xs[19_800]!).toBeGreaterThan(850);
    expect(xs[19_800]!).toBeLessThan(1_200);
  });

  it('applies latency scaled by timeScale', async () => {
    const mock = createMockLlm(
      resolveMockProfile('instant', {
        timeScale: 0.1,
        latency: { core: { p50Ms: 300, p99Ms: 300 }, fast: { p50Ms: 300, p99Ms: 300 }, embedding: { p50Ms: 0, p99Ms: 0 } },
      }),
    );
    const f = createMockFetch(mock.handlers);
    const t0 = performance.now();
    const res = await f('https://api.anthropic.com/v1/messages', { method: 'POST', body: body() });
    const ms = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(25);
    expect(ms).toBeLessThan(250);
  });

  it('follows an error schedule, then rates, with retry-after headers', async () => {
    const mock = createMockLlm(
      resolveMockProfile('instant', {
        timeScale: 0.5,
        errorSchedule: [{ fromCall: 2, toCall: 3, fault: { kind: 'status', status: 429, retryAfterMs: 2_000 } }],
      }),
    );
    const f = createMockFetch(mock.handlers);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const r = await f('https://api.anthropic.com/v1/messages', { method: 'POST', body: body() });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after-ms');
    }
    expect(statuses).toEqual([200, 429, 429, 200]);
    expect(retryAfter).toBe('1000');
    expect(mock.stats().faults).toEqual({ 429: 2 });
  });

  it('is deterministic for a seed and clips usage at max_tokens', async () => {
    const run = async (seed: number) => {
      const f = createMockFetch(createMockLlm(resolveMockProfile('instant', { seed })).handlers);
      const r = await f('https://api.anthropic.com/v1/messages', {
        method: 'POST',
        headers: { 'x-loadlab-role': 'synthesis' },
        body: body(),
      });
      return (await r.json()) as { content: { text: string }[]; usage: { output_tokens: number }; stop_reason: string };
    };
    const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
    expect(a.content[0]?.text).toBe(b.content[0]?.text);
    expect(a.content[0]?.text).not.toBe(c.content[0]?.text);
    expect(a.usage.output_tokens).toBe(50);
    expect(a.stop_reason).toBe('max_tokens');
  });

  it('rejects an unknown profile with a usage error', () => {
    expect(() => resolveMockProfile('nope')).toThrow(expect.objectContaining({ code: 'LL_LLM_MOCK_PROFILE_UNKNOWN' }));
  });
});
