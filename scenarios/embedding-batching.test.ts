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
    expect(c15?.verdict).toBe('refuted');
    const cost = out.result.comparisons.find((c) => c.name.startsWith('embedding cost per session: batch 5'));
    expect(cost?.ratio).toBeCloseTo(1, 6);
    const counters = out.result.measurements.counters;
    expect(counters['embedding.requests.per-text']?.value).toBeGreaterThan(
      5 * (counters['embedding.requests.batch-20']?.value ?? Infinity),
    );
    expect(out.result.measurements.histograms['embedding.check.batch-20.real_ms']?.p50).toBeGreaterThan(140);
  }, 120_000);
});
