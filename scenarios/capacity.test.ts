import { describe, expect, it } from 'vitest';
import { runScenarioForTest } from '../test/support/index.js';
import { capacityScenario, type CapacityParams } from './capacity.js';

describe('capacity scenario', () => {
  it('sweeps whole sessions, fits the capacity model and converts to real time', async () => {
    const out = await runScenarioForTest<CapacityParams>(capacityScenario, {
      params: { levels: [1, 2, 4], sessionsPerWorker: 1, timeScale: 0.02, rateLimits: 'none', variants: ['optimized'], bindingLevels: [] },
    });
    expect(out.result.status, JSON.stringify(out.result.error)).toBe('passed');
    expect(out.capacity?.levels.map((l) => l.concurrency)).toEqual([1, 2, 4]);
    expect(out.capacity?.usl).not.toBeNull();
    expect(out.result.measurements.counters['capacity.sessions.failed']?.value).toBe(0);
    // Realistic mock latencies: one-sub-problem sessions take tens of seconds in real time, not ms.
    const c28 = out.claims.find((c) => c.id === 'C28')?.measured.value ?? 0;
    expect(c28).toBeGreaterThan(30);
    expect(c28).toBeLessThan(240);
    // No rate limits: more concurrent sessions, more sessions per second (no bottleneck at 4), and nothing binds.
    const x = out.capacity?.levels.map((l) => l.throughput) ?? [];
    expect(x[2]).toBeGreaterThan(x[0] ?? Infinity);
    expect(out.claims.find((c) => c.id === 'C30')?.measured.value).toBeGreaterThan(0);
    expect(out.result.measurements.counters['capacity.optimized.level.4.rate_limited']?.value).toBe(0);
    expect(out.result.findings.find((f) => f.id === 'capacity.binding.optimized')?.title).toMatch(/no limit binds/);
  }, 120_000);

  it('under tier-1 an LLM limit binds first, not the session cap, and calls get 429s', async () => {
    // A session cap of 50 and at most 4 sessions: the cap cannot bind, so an LLM limit must.
    const out = await runScenarioForTest<CapacityParams>(capacityScenario, {
      params: { levels: [2, 4], sessionsPerWorker: 1, timeScale: 0.02, rateLimits: 'tier-1', variants: ['optimized'], bindingLevels: [2, 4] },
    });
    expect(out.result.status, JSON.stringify(out.result.error)).toBe('passed');
    const c = out.result.measurements.counters;
    const rateLimited = (c['capacity.optimized.level.2.rate_limited']?.value ?? 0) + (c['capacity.optimized.level.4.rate_limited']?.value ?? 0);
    expect(rateLimited).toBeGreaterThan(0);
    expect(c['capacity.optimized.binding_limit_level']?.value).toBeGreaterThan(0);
    const llmScore = Math.max(...['requests', 'input_tokens', 'output_tokens'].map((k) => c[`capacity.optimized.level.4.limit.llm_${k}_per_min`]?.value ?? 0));
    expect(llmScore).toBeGreaterThan(c['capacity.optimized.level.4.limit.session_cap']?.value ?? 0);
    const finding = out.result.findings.find((f) => f.id === 'capacity.binding.optimized');
    expect(finding?.title).toMatch(/LLM (requests|input tokens|output tokens)\/min binds first/);
    expect(finding?.title).not.toMatch(/session cap binds/);
    // The claims come from the separate sweep without limits: no 429 there.
    expect(c['capacity.unlimited.level.4.rate_limited']?.value).toBe(0);
    expect(out.claims.find((x) => x.id === 'C28')?.measured.summary).toMatch(/per level/);
    // Engine faults stay at zero; 429 failures are counted apart.
    expect(c['capacity.sessions.failed']?.value).toBe(0);
  }, 120_000);
});
