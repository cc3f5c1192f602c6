import { describe, expect, it } from 'vitest';
import { createLlmClient } from '../client.js';
import { createManualClock } from '../mock/clock.js';
import { createMockLlm } from '../mock/handlers.js';
import { resolveMockProfile } from '../mock/profiles.js';
import { resolveRateLimits } from '../mock/rate-limits.js';
import { createMockFetch } from '../mock/transport.js';
import { MODEL_SETS } from '../models.js';
import { brokerDelayMs } from './broker-retry.js';

const ask = { role: 'persona', system: 'x', user: 'y', maxTokens: 100, context: {} } as const;

describe('audited broker retry loop', () => {
  it('backs off 1 s doubling to 60 s with jitter keeping at least half, scaled like every mock delay', () => {
    const policy = { retries: 5, baseDelayMs: 1_000, maxDelayMs: 60_000, delayScale: 1 };
    expect([0, 1, 2, 6, 10].map((n) => brokerDelayMs(policy, n, () => 1))).toEqual([1_000, 2_000, 4_000, 60_000, 60_000]);
    expect(brokerDelayMs(policy, 0, () => 0)).toBe(500);
    expect(brokerDelayMs({ ...policy, delayScale: 0.01 }, 3, () => 1)).toBe(80);
  });

  it('calls the SDK again after its retries are spent, so a call survives a longer rate-limit stall', async () => {
    // 1 RPM and a clock that moves only when the test says: the SDK's 3 attempts all meet an empty bucket.
    const clock = createManualClock();
    const mock = createMockLlm(
      resolveMockProfile('instant', { timeScale: 0.001, rateLimits: resolveRateLimits('tier-1', { sonnet: { requestsPerMinute: 1 } }) }),
      { clock },
    );
    const inner = createMockFetch(mock.handlers);
    let refused = 0;
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const res = await inner(input, init);
      // Provider time catches up only after the SDK's third refusal of the call.
      if (res.status === 429 && ++refused === 3) clock.advance(60);
      return res;
    };
    const client = createLlmClient({
      fetch,
      apiKey: 'k',
      models: MODEL_SETS.current,
      maxRetries: 2,
      brokerRetries: 2,
      brokerRetryBaseDelayMs: 1,
      delayScale: 1,
      costSink: { record: () => undefined },
    });
    await client.complete(ask);
    const r = await client.complete(ask);
    expect(r.attempts).toBe(4);
    expect(client.stats()).toMatchObject({ calls: 2, failedCalls: 0, rateLimited: 3, retries: 3, brokerRetries: 1 });
  });

  it('does not retry a permanent failure', async () => {
    const mock = createMockLlm(resolveMockProfile('instant'));
    const client = createLlmClient({
      fetch: createMockFetch(mock.handlers),
      apiKey: 'k',
      models: MODEL_SETS.current,
      maxRetries: 0,
      brokerRetries: 3,
      anthropicBaseUrl: 'https://api.anthropic.com/nope',
      costSink: { record: () => undefined },
    });
    await expect(client.complete(ask)).rejects.toMatchObject({ code: 'LL_LLM_CALL_FAILED' });
    expect(client.stats()).toMatchObject({ attempts: 1, brokerRetries: 0 });
  });
});
