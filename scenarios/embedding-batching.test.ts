import { describe, expect, it } from 'vitest';
import { runScenarioForTest } from '../test/support/index.js';
import { embeddingBatchingScenario, type EmbeddingBatchingParams } from './embedding-batching.js';

describe('embedding-batching scenario', () => {
  it('counts fewer requests with batch 20 than 5 (but not 4x), equal cost, and many more for per-text', async () => {
    const out = await runScenarioForTest<EmbeddingBatchingParams>(embeddingBatchingScenario, { params: { rounds: 1, subProblems: 1 } });
    expect(out.result.status, JSON.stringify(out.result.error)).toBe('passed');
    const c15 = out.claims.find((c) => c.id === 'C15');
    const ratio = c15?.measured.value ?? 0;
    expect(ratio).toBeGreaterThan(1);
    // A convergence check embeds at most 7 distinct texts, so 20 vs 5 saves at most 2x.
    expect(ratio).toBeLessThanOrEqual(2);
    // On its own the ratio refutes "4x"; at 31 distinct texts per check the batching rule gives
    // 7 / 2 = 3.5x, which would confirm it: the verdict depends on the model.
    expect(c15?.constants?.[0]).toMatchObject({ measuredLow: 1, verdictLow: 'refuted', measuredHigh: 3.5, verdictHigh: 'confirmed' });
    expect(c15?.verdict).toBe('inconclusive');
    expect(c15?.verdictReason).toMatch(/^model-dependent: embedding\.texts_per_check 4\.\.31 gives refuted \/ confirmed/);
    const cost = out.result.comparisons.find((c) => c.name.startsWith('embedding cost per session: batch 5'));
    expect(cost?.ratio).toBeCloseTo(1, 6);
    const counters = out.result.measurements.counters;
    expect(counters['embedding.requests.per-text']?.value).toBeGreaterThan(
      5 * (counters['embedding.requests.batch-20']?.value ?? Infinity),
    );
    expect(out.result.measurements.histograms['embedding.check.batch-20.real_ms']?.p50).toBeGreaterThan(140);
  }, 120_000);
});
