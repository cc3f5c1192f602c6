import { describe, expect, it } from 'vitest';
import { createMockLlm } from './handlers.js';
import { overloadedProbability, overloadSlowdown, responseTiming } from './latency.js';
import { resolveMockProfile } from './profiles.js';
import { prng } from './random.js';
import { createMockFetch } from './transport.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe('mock latency model', () => {
  it('realistic: time to first token plus output tokens at the model rate, with spread', () => {
    const profile = resolveMockProfile('realistic');
    const rand = prng(3);
    const samples = Array.from({ length: 4_000 }, () => responseTiming(profile, 'core', 220, false, rand, 1));
    for (const s of samples) expect(s.totalMs).toBeCloseTo(s.ttftMs + 220 * s.perTokenMs, 6);
    expect(median(samples.map((s) => s.ttftMs))).toBeGreaterThan(1_650);
    expect(median(samples.map((s) => s.ttftMs))).toBeLessThan(1_950);
    expect(median(samples.map((s) => s.perTokenMs))).toBeGreaterThan(15);
    expect(median(samples.map((s) => s.perTokenMs))).toBeLessThan(17);
    // Haiku is faster per token than Sonnet, and 1 000 tokens take longer than 100.
    const fast = median(Array.from({ length: 2_000 }, () => responseTiming(profile, 'fast', 220, false, rand, 1).totalMs));
    expect(fast).toBeLessThan(median(samples.map((s) => s.totalMs)));
    const long = median(Array.from({ length: 2_000 }, () => responseTiming(profile, 'core', 1_000, false, rand, 1).totalMs));
    expect(long).toBeGreaterThan(median(samples.map((s) => s.totalMs)) * 2);
  });

  it('instant keeps zero latency; profiles without a generation model keep their whole-call figures', () => {
    const rand = prng(1);
    expect(responseTiming(resolveMockProfile('instant'), 'core', 500, false, rand, 1).totalMs).toBe(0);
    const fixed = resolveMockProfile('instant', {
      latency: { core: { p50Ms: 300, p99Ms: 300 }, fast: { p50Ms: 0, p99Ms: 0 }, embedding: { p50Ms: 0, p99Ms: 0 } },
    });
    expect(responseTiming(fixed, 'core', 500, false, rand, 2).totalMs).toBeCloseTo(600, 6);
  });

  it('past the concurrency ceiling generation slows in proportion and 529s become likely', () => {
    const profile = resolveMockProfile('realistic', { overload: { maxConcurrent: 4, overloadedSlope: 0.5, maxOverloadedRate: 0.4 } });
    expect(overloadSlowdown(profile, 4)).toBe(1);
    expect(overloadSlowdown(profile, 8)).toBe(2);
    expect(overloadedProbability(profile, 3)).toBe(0);
    expect(overloadedProbability(profile, 4)).toBeCloseTo(0.125, 9);
    expect(overloadedProbability(profile, 40)).toBe(0.4);
    expect(overloadedProbability(resolveMockProfile('realistic'), 1_000)).toBe(0);
  });

  it('answers 529 overloaded_error with retry-after once the ceiling is reached', async () => {
    const mock = createMockLlm(
      resolveMockProfile('instant', {
        timeScale: 0.1,
        latency: { core: { p50Ms: 300, p99Ms: 300 }, fast: { p50Ms: 300, p99Ms: 300 }, embedding: { p50Ms: 0, p99Ms: 0 } },
        overload: { maxConcurrent: 2, overloadedSlope: 10, maxOverloadedRate: 1 },
      }),
    );
    const f = createMockFetch(mock.handlers);
    const call = () =>
      f('https://api.anthropic.com/v1/messages', {
        method: 'POST',
        body: JSON.stringify({ model: 'claude-haiku-4-5-20251001', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
      });
    const first = [call(), call()];
    await new Promise((r) => setTimeout(r, 5));
    const late = await call();
    expect(late.status).toBe(529);
    expect(late.headers.get('retry-after')).not.toBeNull();
    expect(await late.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    expect(mock.stats()).toMatchObject({ overloaded: 1, inFlight: 0, inFlightPeak: 2 });
  });
});
