import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/index.js';
import { createLlm } from './factory.js';

const sink = { record: () => undefined };

describe('createLlm rate-limit config', () => {
  it('applies a preset from the validated config section, with 0 meaning "keep the preset figure"', () => {
    const config = resolveConfig({ llm: { rateLimits: 'tier-2', rateLimitOverrides: { haiku: { requestsPerMinute: 7 } } } });
    const { mock } = createLlm({ config: config.llm, costSink: sink });
    expect(mock?.profile.rateLimits.name).toBe('tier-2+overrides');
    expect(mock?.profile.rateLimits.classes?.haiku).toMatchObject({ requestsPerMinute: 7, inputTokensPerMinute: 450_000 });
    expect(mock?.profile.rateLimits.classes?.sonnet.requestsPerMinute).toBe(1_000);
    expect(createLlm({ config: resolveConfig().llm, costSink: sink }).mock?.profile.rateLimits.classes).toBeUndefined();
  });

  it('refuses an unknown preset, and rate limits at timeScale 0, with stable codes', () => {
    expect(() => createLlm({ config: { rateLimits: 'tier-5' }, costSink: sink })).toThrow(
      expect.objectContaining({ code: 'LL_LLM_RATE_LIMIT_PRESET_UNKNOWN' }),
    );
    expect(() => createLlm({ config: { rateLimits: 'tier-1', timeScale: 0 }, costSink: sink })).toThrow(
      expect.objectContaining({ code: 'LL_LLM_MOCK_PROFILE_INVALID' }),
    );
  });

  it('sets the provider concurrency ceiling from config', () => {
    const { mock } = createLlm({ config: { mockProfile: 'realistic', providerMaxConcurrent: 30 }, costSink: sink });
    expect(mock?.profile.overload.maxConcurrent).toBe(30);
    expect(mock?.profile.generation?.core.ttft.p50Ms).toBe(1_800);
  });
});
