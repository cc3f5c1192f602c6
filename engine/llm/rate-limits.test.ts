import { describe, expect, it } from 'vitest';
import { createLlmClient } from './client.js';
import { createManualClock } from './mock/clock.js';
import { createMockLlm } from './mock/handlers.js';
import { resolveMockProfile } from './mock/profiles.js';
import { resolveRateLimits, type RateLimitOverrides } from './mock/rate-limits.js';
import { createMockFetch } from './mock/transport.js';
import { MODEL_SETS } from './models.js';
import type { LlmAttempt } from './types.js';

const TIME_SCALE = 0.001;
const ask = {
  role: 'persona',
  system: 'You are a careful analyst.',
  user: 'Should we expand?',
  maxTokens: 300,
  context: { sessionId: 's1' },
} as const;

/**
 * The real SDK over the mock fetch, with the buckets on a manual clock. The wrapper stands for
 * the passage of time: when the mock answers 429, provider time moves on by exactly the
 * retry-after it sent, so a client that honours retry-after finds room on its retry.
 */
function setup(preset: string, overrides: RateLimitOverrides, maxRetries = 2) {
  const clock = createManualClock();
  const mock = createMockLlm(resolveMockProfile('instant', { timeScale: TIME_SCALE, rateLimits: resolveRateLimits(preset, overrides) }), {
    clock,
  });
  const inner = createMockFetch(mock.handlers);
  const refusals: { status: number; headers: Headers; body: unknown }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const res = await inner(input, init);
    if (res.status !== 429) return res;
    const text = await res.text();
    refusals.push({ status: res.status, headers: res.headers, body: JSON.parse(text) });
    clock.advance(Number(res.headers.get('retry-after-ms')));
    return new Response(text, { status: res.status, headers: res.headers });
  };
  const attempts: LlmAttempt[] = [];
  const client = createLlmClient({
    fetch,
    apiKey: 'k',
    models: MODEL_SETS.current,
    maxRetries,
    costSink: { record: (a) => attempts.push(a) },
    timeoutMs: 5_000,
  });
  return { clock, mock, client, attempts, refusals };
}

describe('provider rate limits through the real SDK', () => {
  it('answers a burst past RPM with 429 rate_limit_error and the documented headers; the SDK retries after retry-after and succeeds', async () => {
    const { client, mock, attempts, refusals } = setup('tier-1', { sonnet: { requestsPerMinute: 5 } });
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => client.complete({ ...ask, user: `question ${i}` })));
    const elapsed = performance.now() - t0;

    expect(results).toHaveLength(8);
    const first = refusals[0];
    expect(first).toBeDefined();
    expect(first?.status).toBe(429);
    // 5 RPM: one request refills every 12 s, so retry-after says 12 (provider seconds).
    expect(first?.headers.get('retry-after')).toBe('12');
    expect(first?.headers.get('retry-after-ms')).toBe(String(12_000 * TIME_SCALE));
    expect(first?.headers.get('anthropic-ratelimit-requests-limit')).toBe('5');
    expect(first?.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(first?.headers.get('anthropic-ratelimit-requests-reset')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    for (const family of ['input-tokens', 'output-tokens', 'tokens']) {
      for (const part of ['limit', 'remaining', 'reset'])
        expect(first?.headers.get(`anthropic-ratelimit-${family}-${part}`), `${family}-${part}`).not.toBeNull();
    }
    expect(first?.body).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.stringContaining('rate limit of 5 requests per minute') },
    });

    const stats = client.stats();
    expect(stats.rateLimited).toBe(refusals.length);
    expect(stats.rateLimited).toBeGreaterThanOrEqual(3);
    expect(stats).toMatchObject({
      calls: 8,
      failedCalls: 0,
      attempts: 8 + refusals.length,
      retries: refusals.length,
      failedAttempts: refusals.length,
    });
    expect(mock.stats().rateLimited.requests).toBe(refusals.length);
    // Each refused attempt is its own (zero-token) cost record, as bo1 wrote one row per attempt.
    expect(attempts.filter((a) => a.httpStatus === 429).every((a) => a.status === 'error' && a.usage.inputTokens === 0)).toBe(true);
    // The SDK waited retry-after-ms before each retry (12 ms wall here).
    expect(elapsed).toBeGreaterThanOrEqual(12);
    expect(stats.retryWaitMs).toBeGreaterThanOrEqual(12 * 3);
  });

  it('puts the anthropic-ratelimit-* headers on every successful response', async () => {
    const clock = createManualClock();
    const mock = createMockLlm(resolveMockProfile('instant', { timeScale: TIME_SCALE, rateLimits: resolveRateLimits('tier-1') }), {
      clock,
    });
    const { response } = await createLlmClient({
      fetch: createMockFetch(mock.handlers),
      apiKey: 'k',
      models: MODEL_SETS.current,
      costSink: { record: () => undefined },
    })
      .sdk.messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('50');
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('49');
    expect(response.headers.get('anthropic-ratelimit-input-tokens-limit')).toBe('50000');
    expect(response.headers.get('anthropic-ratelimit-output-tokens-limit')).toBe('10000');
  });

  it('gives up with LL_LLM_CALL_FAILED when the bucket does not refill within the SDK retries', async () => {
    const clock = createManualClock();
    const mock = createMockLlm(
      resolveMockProfile('instant', {
        timeScale: TIME_SCALE,
        rateLimits: resolveRateLimits('tier-1', { sonnet: { requestsPerMinute: 1 } }),
      }),
      { clock },
    );
    const client = createLlmClient({
      fetch: createMockFetch(mock.handlers),
      apiKey: 'k',
      models: MODEL_SETS.current,
      maxRetries: 2,
      costSink: { record: () => undefined },
    });
    await client.complete(ask);
    // The clock never moves: every retry meets the same empty bucket.
    await expect(client.complete(ask)).rejects.toMatchObject({ code: 'LL_LLM_CALL_FAILED' });
    expect(client.stats()).toMatchObject({ calls: 2, failedCalls: 1, rateLimited: 3, retries: 2 });
  });

  it('counts input tokens as the API does: cache writes count toward ITPM, cache reads do not', async () => {
    const system = 'You are a careful analyst. '.repeat(120); // ~800 tokens, cached after the first call
    const clock = createManualClock();
    const limits = resolveRateLimits('tier-1', { sonnet: { inputTokensPerMinute: 1_000 } });
    const mock = createMockLlm(resolveMockProfile('instant', { timeScale: TIME_SCALE, rateLimits: limits }), { clock });
    const client = createLlmClient({
      fetch: createMockFetch(mock.handlers),
      apiKey: 'k',
      models: MODEL_SETS.current,
      maxRetries: 0,
      costSink: { record: () => undefined },
    });
    const cached = { ...ask, system, cacheSystem: true } as const;
    const a = await client.complete(cached);
    expect(a.usage.cacheCreationTokens).toBeGreaterThan(700);
    // The bucket now holds ~1 000 - (cache write + user tokens); a second full-price prompt would not fit...
    await expect(client.complete({ ...cached, cacheSystem: false })).rejects.toMatchObject({ code: 'LL_LLM_CALL_FAILED' });
    // ...but the cached one fits, since its cache_read_input_tokens are free of ITPM.
    const b = await client.complete(cached);
    expect(b.usage.cacheReadTokens).toBe(a.usage.cacheCreationTokens);
    expect(mock.stats().rateLimited).toEqual({ requests: 0, input_tokens: 1, output_tokens: 0 });
    expect(mock.stats().cacheReads).toBe(1);
  });
});
