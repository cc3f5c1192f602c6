import { setupServer } from 'msw/node';
import { describe, expect, it } from 'vitest';
import { createLlmClient } from './client.js';
import { createMockLlm } from './mock/handlers.js';
import { resolveMockProfile } from './mock/profiles.js';
import { createMockFetch } from './mock/transport.js';
import { MODEL_SETS } from './models.js';
import type { LlmAttempt } from './types.js';

function setup(overrides: Parameters<typeof resolveMockProfile>[1] = {}, maxRetries = 2) {
  const mock = createMockLlm(resolveMockProfile('instant', overrides));
  const attempts: LlmAttempt[] = [];
  const client = createLlmClient({
    fetch: createMockFetch(mock.handlers),
    apiKey: 'k',
    models: MODEL_SETS.current,
    maxRetries,
    costSink: { record: (a) => attempts.push(a) },
    timeoutMs: 300,
  });
  return { mock, attempts, client };
}

const ask = {
  role: 'persona',
  system: 'You are a careful analyst.',
  user: 'Should we expand?',
  maxTokens: 1000,
  cacheSystem: true,
  context: { sessionId: 's1' },
} as const;

describe('llm client through the msw mock', () => {
  it('records one successful attempt with usage, and reads the prompt cache on the second call', async () => {
    const { client, attempts } = setup();
    const a = await client.complete(ask);
    const b = await client.complete(ask);
    expect(a.text).toBe(b.text);
    expect(a.usage.outputTokens).toBeGreaterThan(100);
    expect(a.usage.cacheCreationTokens).toBeGreaterThan(0);
    expect(b.usage.cacheReadTokens).toBe(a.usage.cacheCreationTokens);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({
      status: 'success',
      httpStatus: 200,
      provider: 'anthropic',
      operation: 'persona',
      attempt: 1,
      context: { sessionId: 's1' },
    });
    expect(attempts[1]?.usage.cacheReadTokens).toBe(b.usage.cacheReadTokens);
  });

  it('makes each retried 429/529 attempt its own cost record', async () => {
    const { client, attempts } = setup({
      timeScale: 0.001,
      errorSchedule: [
        { fromCall: 1, toCall: 1, fault: { kind: 'status', status: 429 } },
        { fromCall: 2, toCall: 2, fault: { kind: 'status', status: 529 } },
      ],
    });
    const r = await client.complete(ask);
    expect(r.attempts).toBe(3);
    expect(attempts.map((a) => [a.attempt, a.status, a.httpStatus])).toEqual([
      [1, 'error', 429],
      [2, 'error', 529],
      [3, 'success', 200],
    ]);
    expect(new Set(attempts.map((a) => a.requestId)).size).toBe(3);
    expect(client.stats()).toMatchObject({ calls: 1, attempts: 3, failedCalls: 0 });
  });

  it('fails with a stable code once the SDK retries are spent, and a hang ends by timeout', async () => {
    const { client, attempts } = setup({ timeScale: 0.001, errorRates: { rateLimited: 0, overloaded: 1, serverError: 0, hang: 0 } }, 1);
    await expect(client.complete(ask)).rejects.toMatchObject({ code: 'LL_LLM_CALL_FAILED' });
    expect(attempts).toHaveLength(2);
    const hung = setup({ errorSchedule: [{ fromCall: 1, toCall: 1, fault: { kind: 'hang' } }] }, 1);
    const r = await hung.client.complete(ask);
    expect(r.attempts).toBe(2);
    expect(hung.attempts[0]).toMatchObject({ status: 'error', httpStatus: 0 });
  });

  it('streams SSE with usage and gives the same text as the plain call', async () => {
    const { client, attempts } = setup();
    const plain = await client.complete({ ...ask, cacheSystem: false });
    const streamed = await client.complete({ ...ask, cacheSystem: false, stream: true });
    expect(streamed.text).toBe(plain.text);
    expect(streamed.usage.outputTokens).toBe(plain.usage.outputTokens);
    expect(attempts[1]?.usage.outputTokens).toBe(plain.usage.outputTokens);
  });

  it('embeds deterministically with one cost record per request', async () => {
    const { client, attempts } = setup();
    const r = await client.embed(['market pricing growth', 'market pricing growth', 'unrelated zebra text'], {});
    expect(r.vectors).toHaveLength(3);
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
    expect(dot(r.vectors[0]!, r.vectors[1]!)).toBeCloseTo(1, 5);
    expect(Math.abs(dot(r.vectors[0]!, r.vectors[2]!))).toBeLessThan(0.3);
    expect(r.tokens).toBe(4 + 4 + 4);
    expect(attempts).toEqual([
      expect.objectContaining({ provider: 'voyage', status: 'success', usage: expect.objectContaining({ inputTokens: 12 }) }),
    ]);
  });

  it('selects the deprecated audited id without the SDK per-call warning', async () => {
    const mock = createMockLlm(resolveMockProfile('instant'));
    const client = createLlmClient({
      fetch: createMockFetch(mock.handlers),
      apiKey: 'k',
      models: MODEL_SETS.audited,
      costSink: { record: () => undefined },
    });
    const warnings: unknown[] = [];
    const orig = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const r = await client.complete(ask);
      expect(r.model).toBe('claude-sonnet-4-5-20250929');
    } finally {
      console.warn = orig;
    }
    expect(warnings).toHaveLength(0);
  });

  it('the same handlers serve setupServer interception', async () => {
    const mock = createMockLlm(resolveMockProfile('instant'));
    const server = setupServer(...mock.handlers);
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const client = createLlmClient({
        fetch: globalThis.fetch,
        apiKey: 'k',
        models: MODEL_SETS.current,
        costSink: { record: () => undefined },
      });
      const r = await client.complete(ask);
      expect(r.text.length).toBeGreaterThan(0);
      expect(mock.stats().messages).toBe(1);
    } finally {
      server.close();
    }
  });
});
