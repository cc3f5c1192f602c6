import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.js';
import { createRateLimiter } from './rate-limiter.js';
import { RATE_LIMIT_PRESETS, modelClassOf, resolveRateLimits } from './rate-limits.js';

const SONNET = 'claude-sonnet-4-6';
const req = (over: Partial<{ model: string; inputTokens: number; cacheReadTokens: number; maxTokens: number }> = {}) => ({
  model: SONNET,
  inputTokens: 100,
  cacheReadTokens: 0,
  maxTokens: 200,
  ...over,
});

describe('rate-limit presets', () => {
  it('classes models as the API does (Sonnet 4.x shares one set of buckets)', () => {
    expect(modelClassOf('claude-sonnet-4-5-20250929')).toBe('sonnet');
    expect(modelClassOf(SONNET)).toBe('sonnet');
    expect(modelClassOf('claude-haiku-4-5-20251001')).toBe('haiku');
    expect(modelClassOf('claude-opus-4-5')).toBe('opus');
  });

  it('resolves presets with per-number overrides and refuses unknown names and bad numbers with stable codes', () => {
    const t1 = resolveRateLimits('tier-1', { sonnet: { requestsPerMinute: 5 } });
    expect(t1.name).toBe('tier-1+overrides');
    expect(t1.classes?.sonnet).toEqual({
      requestsPerMinute: 5,
      inputTokensPerMinute: 30_000,
      outputTokensPerMinute: 8_000,
      cacheReadCountsTowardItpm: false,
    });
    expect(t1.classes?.haiku).toEqual(RATE_LIMIT_PRESETS['tier-1']?.classes?.haiku);
    expect(() => resolveRateLimits('tier-9')).toThrow(
      expect.objectContaining({ code: 'LL_LLM_RATE_LIMIT_PRESET_UNKNOWN', kind: 'usage', hint: expect.stringContaining('tier-1') }),
    );
    expect(() => resolveRateLimits('tier-1', { haiku: { outputTokensPerMinute: -1 } })).toThrow(
      expect.objectContaining({ code: 'LL_LLM_RATE_LIMITS_INVALID' }),
    );
    expect(() => resolveRateLimits('none', { sonnet: { requestsPerMinute: 5 } })).toThrow(
      expect.objectContaining({ code: 'LL_LLM_RATE_LIMITS_INVALID' }),
    );
    expect(resolveRateLimits('none').classes).toBeUndefined();
  });
});

describe('rate limiter (fake clock)', () => {
  it('refuses the request past RPM with the wait until one request refills, then admits it', () => {
    const clock = createManualClock();
    const limiter = createRateLimiter(resolveRateLimits('tier-1'), clock);
    for (let i = 0; i < 50; i++) expect(limiter.admit(req({ maxTokens: 10 })).ok).toBe(true);
    const refused = limiter.admit(req({ maxTokens: 10 }));
    expect(refused).toMatchObject({ ok: false, limit: 'requests', modelClass: 'sonnet', perMinute: 50 });
    expect(refused.ok ? 0 : refused.waitMs).toBeCloseTo(1_200, 6);
    // Other classes have buckets of their own.
    expect(limiter.admit(req({ model: 'claude-haiku-4-5-20251001' })).ok).toBe(true);
    clock.advance(1_199);
    expect(limiter.admit(req({ maxTokens: 10 })).ok).toBe(false);
    clock.advance(1);
    expect(limiter.admit(req({ maxTokens: 10 })).ok).toBe(true);
    expect(limiter.stats()).toEqual({ admitted: 52, rejected: { requests: 2, input_tokens: 0, output_tokens: 0 } });
  });

  it('reserves max_tokens against OTPM on admission and gives back the unused part when the response ends', () => {
    const limiter = createRateLimiter(resolveRateLimits('tier-1'), createManualClock());
    const a = limiter.admit(req({ maxTokens: 4_096 }));
    const b = limiter.admit(req({ maxTokens: 3_000 }));
    expect(a.ok && b.ok).toBe(true);
    const c = limiter.admit(req({ maxTokens: 4_096 }));
    expect(c).toMatchObject({ ok: false, limit: 'output_tokens', perMinute: 8_000 });
    if (a.ok) a.settle(300);
    expect(limiter.admit(req({ maxTokens: 4_096 })).ok).toBe(true);
  });

  it('does not count cache reads toward ITPM for current models, unless the class says so', () => {
    const clock = createManualClock();
    const cacheAware = createRateLimiter(resolveRateLimits('tier-1', { sonnet: { inputTokensPerMinute: 1_000 } }), clock);
    expect(cacheAware.admit(req({ inputTokens: 900 })).ok).toBe(true);
    expect(cacheAware.admit(req({ inputTokens: 50, cacheReadTokens: 850 })).ok).toBe(true);
    const legacy = createRateLimiter(
      resolveRateLimits('tier-1', { sonnet: { inputTokensPerMinute: 1_000, cacheReadCountsTowardItpm: true } }),
      clock,
    );
    expect(legacy.admit(req({ inputTokens: 900 })).ok).toBe(true);
    expect(legacy.admit(req({ inputTokens: 50, cacheReadTokens: 850 }))).toMatchObject({ ok: false, limit: 'input_tokens' });
  });

  it('sends the documented anthropic-ratelimit-* headers: limit, remaining (tokens to the nearest thousand), RFC 3339 reset', () => {
    const clock = createManualClock(Date.UTC(2026, 11, 1, 12, 0, 0));
    const limiter = createRateLimiter(resolveRateLimits('tier-1'), clock);
    const r = limiter.admit(req({ inputTokens: 12_345, maxTokens: 1_000 }));
    expect(r.headers).toEqual({
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '49',
      // One request refills in 1.2 s; the reset is rounded up to the whole second.
      'anthropic-ratelimit-requests-reset': '2026-12-01T12:00:02Z',
      'anthropic-ratelimit-input-tokens-limit': '30000',
      'anthropic-ratelimit-input-tokens-remaining': '18000',
      'anthropic-ratelimit-input-tokens-reset': '2026-12-01T12:00:25Z',
      'anthropic-ratelimit-output-tokens-limit': '8000',
      'anthropic-ratelimit-output-tokens-remaining': '7000',
      'anthropic-ratelimit-output-tokens-reset': '2026-12-01T12:00:08Z',
      // input has the smaller share left (0.59 vs 0.875), so it is the most restrictive.
      'anthropic-ratelimit-tokens-limit': '30000',
      'anthropic-ratelimit-tokens-remaining': '18000',
      'anthropic-ratelimit-tokens-reset': '2026-12-01T12:00:25Z',
    });
    expect(createRateLimiter(resolveRateLimits('none'), clock).admit(req()).headers).toEqual({});
  });
});
