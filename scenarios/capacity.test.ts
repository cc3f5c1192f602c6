import { describe, expect, it } from 'vitest';
import { runScenarioForTest } from '../test/support/index.js';
import { capacityScenario, type CapacityParams } from './capacity.js';

describe('capacity scenario', () => {
  it('sweeps whole sessions, fits the capacity model and converts to real time', async () => {
    const out = await runScenarioForTest<CapacityParams>(capacityScenario, { params: { levels: [1, 2, 4], sessionsPerWorker: 1, timeScale: 0.02 } });
    expect(out.result.status, JSON.stringify(out.result.error)).toBe('passed');
    expect(out.capacity?.levels.map((l) => l.concurrency)).toEqual([1, 2, 4]);
    expect(out.capacity?.usl).not.toBeNull();
    expect(out.result.measurements.counters['capacity.sessions.failed']?.value).toBe(0);
    // Realistic mock latencies: one-sub-problem sessions take tens of seconds in real time, not ms.
    const c28 = out.claims.find((c) => c.id === 'C28')?.measured.value ?? 0;
    expect(c28).toBeGreaterThan(30);
    expect(c28).toBeLessThan(240);
    // More concurrent sessions, more sessions per second (no bottleneck at 4).
    const x = out.capacity?.levels.map((l) => l.throughput) ?? [];
    expect(x[2]).toBeGreaterThan(x[0] ?? Infinity);
    expect(out.claims.find((c) => c.id === 'C30')?.measured.value).toBeGreaterThan(0);
  }, 120_000);
});
