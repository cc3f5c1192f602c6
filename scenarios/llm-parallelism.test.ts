import { describe, expect, it } from 'vitest';
import { runScenarioForTest } from '../test/support/index.js';
import { llmParallelismScenario, type LlmParallelismParams } from './llm-parallelism.js';

describe('llm-parallelism scenario', () => {
  it('measures the round speedup near 5x, a sub-problem speedup, and that the audited flow runs sub-problems in parallel', async () => {
    const out = await runScenarioForTest<LlmParallelismParams>(llmParallelismScenario, {
      params: {
        roundRepeats: 2,
        subProblemCounts: [1, 3],
        modes: ['sequential', 'parallel'],
        sessionRepeats: 1,
        auditedSubProblems: 2,
        sessionTimeScale: 0.02,
      },
    });
    expect(out.result.status, JSON.stringify(out.result.error)).toBe('passed');
    const claim = (id: string) => out.claims.find((c) => c.id === id);
    // 5 gathered calls of 2 s vs 5 awaited: close to 5x, never above it (it would mean a broken clock).
    expect(claim('C14')?.measured.value).toBeGreaterThan(3);
    expect(claim('C14')?.measured.value).toBeLessThan(5.5);
    expect(out.result.measurements.histograms['round.parallel.real_ms']?.p50).toBeGreaterThan(1_900);
    // 3 sub-problems in parallel must beat 3 in a row, but cannot beat 3x.
    const c16 = claim('C16')?.measured.value ?? 0;
    expect(c16).toBeGreaterThan(1.2);
    expect(c16).toBeLessThan(3);
    // The engine's audited variant (like bo1) overlaps sub-problems: the audit's claim is refuted.
    expect(claim('C31')?.verdict).toBe('refuted');
    expect(out.result.measurements.counters['audited.subproblems.max_concurrent']?.value).toBeGreaterThan(1);
  }, 120_000);
});
