import { describe, expect, it } from 'vitest';
import { estimateVoyageTokens, priceCall, priceCallInState } from './index.js';

describe('priceCall (§5.1)', () => {
  it('prices sonnet with the cache subtraction and clamps at zero', () => {
    const p = priceCall({
      provider: 'anthropic',
      model: 'sonnet',
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cacheReadTokens: 200_000,
    });
    expect(p.inputCost).toBeCloseTo(2.4, 10);
    expect(p.outputCost).toBeCloseTo(1.5, 10);
    expect(p.cacheReadCost).toBeCloseTo(0.06, 10);
    expect(p.totalCost).toBeCloseTo(3.96, 10);
    expect(p.costWithoutOptimization).toBeCloseTo(4.5, 10);
    expect(p.cacheHit).toBe(true);
    expect(p.optimizationType).toBe('prompt_cache');
  });

  it('falls back to sonnet for unknown models and the opus alias', () => {
    const a = priceCall({ provider: 'anthropic', model: 'opus', inputTokens: 1_000_000 });
    expect(a.totalCost).toBeCloseTo(3, 10);
    expect(priceCall({ provider: 'anthropic', model: 'claude-opus-4-20250514', inputTokens: 1_000_000 }).totalCost).toBeCloseTo(15, 10);
  });

  it('voyage, search, openai', () => {
    expect(priceCall({ provider: 'voyage', model: 'voyage-3', inputTokens: 1_000_000 }).totalCost).toBeCloseTo(0.06, 10);
    expect(priceCall({ provider: 'brave', model: 'web_search', queries: 2 }).totalCost).toBeCloseTo(0.006, 10);
    expect(priceCall({ provider: 'openai', model: 'gpt-5.1', inputTokens: 1000 }).totalCost).toBe(0);
    expect(estimateVoyageTokens('one two three four five six seven eight nine ten')).toBe(13);
  });

  it('in-state formula does not subtract cache tokens', () => {
    expect(priceCallInState({ provider: 'anthropic', model: 'haiku', inputTokens: 1_000_000, cacheReadTokens: 1_000_000 })).toBeCloseTo(
      1.1,
      10,
    );
  });
});
