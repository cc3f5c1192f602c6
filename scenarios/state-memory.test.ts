import { setMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { claimSpec } from '../harness/audit/index.js';
import { runScenarioForTest } from '../test/support/index.js';
import { contributionHeap } from './internal/state-memory/contribution-heap.js';
import { findGc } from './internal/state-memory/heap.js';
import { fixedLatency, scaledLlm } from './internal/llm-mock/index.js';
import { stateMemoryScenario, type StateMemoryParams } from './state-memory.js';

describe('state-memory scenario', () => {
  it('measures retained contribution bytes per session and a pruning reduction, plus heap per held session', async () => {
    const out = await runScenarioForTest<StateMemoryParams>(stateMemoryScenario, {
      params: { subProblemCounts: [1, 2], problems: 1, heapCounts: [1], heapSessions: 4, heapRepeats: 1 },
    });
    expect(out.result.status, JSON.stringify(out.result.error)).toBe('passed');
    const c24 = out.claims.find((c) => c.id === 'C24');
    const c25 = out.claims.find((c) => c.id === 'C25');
    // The seeded mock writes ~1.4 KB contributions and a single sub-problem keeps 3-4 speakers for
    // a few rounds: ~8 contributions, 7.5-12 KB, between "refuted" and "confirmed" of the audit's 15 KB.
    expect(c24?.measured.value).toBeGreaterThan(7_500);
    expect(c24?.measured.value).toBeLessThan(12_000);
    expect(c24).toMatchObject({ evidence: 'modelled', verdict: 'inconclusive' });
    const bytes = c24?.constants?.find((k) => k.name === 'contribution.bytes');
    expect(bytes?.value).toBeGreaterThan(1_000);
    expect(bytes?.value).toBeLessThan(2_000);
    // Pruning keeps at least 6 contributions, and a session of 1-2 sub-problems holds 8-19: the
    // reduction cannot reach half the audit's 60% (measured ~14%), so the claim is refuted here.
    expect(c25?.measured.value).toBeGreaterThan(0);
    expect(c25?.measured.value).toBeLessThan(30);
    expect(c25?.evidence).toBe('modelled');
    // Re-run at the constants' ends through the engine: keeping at least 10 prunes less than the
    // engine's 6, keeping 3 no less; 6 forced rounds leave more to prune than 3; 3 personas hold
    // fewer bytes than 5 (the engine lets up to 4 speak). Every end is judged.
    const end = (c: typeof c24, name: string) => c?.constants?.find((k) => k.name === name);
    const value = c25?.measured.value ?? Number.NaN;
    expect(end(c25, 'pruning.min_kept')?.measuredHigh).toBeLessThan(value);
    expect(end(c25, 'pruning.min_kept')?.measuredLow).toBeGreaterThanOrEqual(value - 1e-9);
    expect(end(c25, 'deliberation.rounds')?.measuredHigh).toBeGreaterThan(end(c25, 'deliberation.rounds')?.measuredLow ?? Infinity);
    expect(end(c24, 'round.personas')?.measuredLow).toBeLessThan(end(c24, 'round.personas')?.measuredHigh ?? 0);
    expect(end(c24, 'deliberation.rounds')?.measuredHigh).toBeGreaterThan(end(c24, 'deliberation.rounds')?.measuredLow ?? Infinity);
    for (const k of [...(c24?.constants ?? []), ...(c25?.constants ?? [])]) {
      expect([k.name, k.verdictLow !== null && k.verdictHigh !== null]).toEqual([k.name, true]);
    }
    expect(c25?.verdictReason ?? '').not.toMatch(/not re-judged/);
    const m = out.result.measurements.counters;
    expect(m['state.retained.off.sp2']?.value).toBeGreaterThan(m['state.retained.off.sp1']?.value ?? Infinity);
    // Heap per held session includes the contributions retained above, and more (prompts, events).
    expect(m['state.heap_per_session.off.sp1']?.value).toBeGreaterThan(c24?.measured.value ?? Infinity);
    // Without a 5-sub-problem deliberation, C43 and C44 are not measured (and say so).
    expect(out.claims.find((c) => c.id === 'C43')).toMatchObject({ verdict: 'inconclusive', measured: { value: null } });
    expect(out.claims.find((c) => c.id === 'C44')).toMatchObject({ verdict: 'inconclusive', measured: { value: null } });
  }, 120_000);

  it('judges C43/C44 on a 5-sub-problem session: near the audit at its own constants, model-dependent over their ranges', async () => {
    // The ci profile's path for C44: the lists of the 5-sub-problem deliberation itself, x 50.
    const out = await runScenarioForTest<StateMemoryParams>(stateMemoryScenario, {
      params: { subProblemCounts: [5], problems: 1, heapCounts: [1], heapSessions: 2, heapRepeats: 1, contributionHeapSessions: 0 },
    });
    expect(out.result.status, JSON.stringify(out.result.error)).toBe('passed');
    const c43 = out.claims.find((c) => c.id === 'C43');
    const c44 = out.claims.find((c) => c.id === 'C44');
    // 5 sub-problems of 2-5 executed rounds, 3-4 speakers of ~1.4 KB each: 55-70 contributions,
    // ~85 KB summed over the parallel sub-problems, within 20% of the audit's 75 KB...
    const c43Value = c43?.measured.value ?? Number.NaN;
    expect(c43Value).toBeGreaterThan(60_000);
    expect(c43Value).toBeLessThan(110_000);
    expect(claimSpec('C43').judge(c43Value)).toBe('confirmed');
    // ...but the same count at 500 B (~30 KB) or 4,000 B (~240 KB) per contribution is beyond a factor
    // 2 either way, so the verdict rests on the answer size: inconclusive, model-dependent.
    expect(c43).toMatchObject({ evidence: 'modelled', verdict: 'inconclusive' });
    expect(c43?.verdictReason).toMatch(/model-dependent: contribution\.bytes 500\.\.4000 gives refuted \/ refuted/);
    const rounds = c43?.constants?.find((k) => k.name === 'deliberation.rounds');
    // The re-runs at 3 and 6 forced rounds do execute them (the engine alone stops at 2-5).
    expect(c43?.measured.summary).toMatch(/\(3\.0 executed\) and [\d.]+ KB \(6\.0\)/);
    expect(rounds?.measuredLow).toBeLessThan(rounds?.measuredHigh ?? 0);
    expect(rounds?.measuredHigh).toBeGreaterThan(c43Value);
    expect(rounds?.verdictLow).not.toBeNull();
    // C44: V8 heap of those lists, x 50. Contribution text is one-byte strings, so the heap is within
    // a few percent of the JSON bytes (measured 0.95-1.02x). Lists kept alive by a stale register gave
    // 0.02-0.2x, bytecode flushed during the reads 1.2-1.3x: both fall outside 0.8-1.15x.
    const c44Value = c44?.measured.value ?? Number.NaN;
    expect(c44Value / (50 * c43Value)).toBeGreaterThan(0.8);
    expect(c44Value / (50 * c43Value)).toBeLessThan(1.15);
    expect(c44?.measured.summary).toMatch(/each measured alone; not 50 sessions held at once/);
    expect(c44?.measured.interval?.n).toBe(1);
    expect(c44).toMatchObject({ evidence: 'modelled', verdict: 'inconclusive' });
    const c44Bytes = c44?.constants?.find((k) => k.name === 'contribution.bytes');
    expect(c44Bytes?.verdictHigh).toBe('refuted');
    expect(out.result.measurements.counters['state.contribution_heap.sp5.per_session']?.value).toBeCloseTo(c44Value / 50, 0);
  }, 120_000);

  it('measures the heap of concurrent sessions’ contribution lists alone, one session at a time', async () => {
    const { gc } = findGc();
    expect(gc).toBeDefined();
    const llm = scaledLlm({ timeScale: 1, seed: 42, overrides: fixedLatency(1, 1) }).client;
    const signal = new AbortController().signal;
    setMaxListeners(0, signal); // every in-flight call of both sessions listens to it
    const s = await contributionHeap(llm, gc as () => void, { sessions: 2, subProblems: 5, tag: 't', signal });
    // Every sub-problem of both sessions held a list; their heap is their text plus small object overhead.
    expect(s.rounds).toBeGreaterThanOrEqual(2 * 5 * 2);
    expect(s.contributions).toBeGreaterThan(2 * 5 * 6);
    expect(s.heapBytes / s.jsonBytes).toBeGreaterThan(0.8);
    expect(s.heapBytes / s.jsonBytes).toBeLessThan(1.15);
    expect(s.perSessionBytes).toHaveLength(2);
    expect(s.perSessionBytes[0]! + s.perSessionBytes[1]!).toBe(s.heapBytes);
  }, 60_000);
});
