import { describe, expect, it } from 'vitest';
import type { CapacityLevel } from '../result/index.js';
import { buildCapacityModel, findKnee, fitUsl, littlesLawCheck, runConcurrencySweep, uslThroughput } from './index.js';

const NS = [1, 2, 4, 8, 16, 32, 64, 128];

function levelsFrom(p: { sigma: number; kappa: number; lambda: number }, noise = 0): CapacityLevel[] {
  // Deterministic ±noise pattern so the test is reproducible.
  return NS.map((n, i) => {
    const x = uslThroughput(n, p) * (1 + (i % 2 === 0 ? noise : -noise));
    const w = (n / x) * 1000;
    return {
      concurrency: n,
      throughput: x,
      throughputUnit: 'ops/s',
      latencyP50Ms: w * 0.9,
      latencyP95Ms: w * 1.5,
      latencyMeanMs: w,
      errors: 0,
      completed: 100,
    };
  });
}

describe('fitUsl', () => {
  it('recovers known σ, κ, λ from exact data', () => {
    const truth = { sigma: 0.05, kappa: 0.002, lambda: 100 };
    const fit = fitUsl(levelsFrom(truth).map((l) => ({ n: l.concurrency, x: l.throughput })));
    expect(fit.sigma).toBeCloseTo(0.05, 3);
    expect(fit.kappa).toBeCloseTo(0.002, 4);
    expect(fit.lambda).toBeCloseTo(100, 1);
    expect(fit.r2).toBeGreaterThan(0.9999);
    expect(fit.peakConcurrency).toBeCloseTo(Math.sqrt(0.95 / 0.002), 0);
    expect(fit.peakThroughput).toBeCloseTo(uslThroughput(Math.sqrt(0.95 / 0.002), truth), 0);
  });

  it('stays close with 3% noise and finds κ = 0 for purely contended data', () => {
    const noisy = fitUsl(levelsFrom({ sigma: 0.1, kappa: 0.0005, lambda: 50 }, 0.03).map((l) => ({ n: l.concurrency, x: l.throughput })));
    expect(noisy.sigma).toBeGreaterThan(0.06);
    expect(noisy.sigma).toBeLessThan(0.14);
    expect(noisy.kappa).toBeGreaterThan(0.0002);
    expect(noisy.kappa).toBeLessThan(0.001);
    expect(noisy.r2).toBeGreaterThan(0.98);
    const amdahl = fitUsl(levelsFrom({ sigma: 0.2, kappa: 0, lambda: 10 }).map((l) => ({ n: l.concurrency, x: l.throughput })));
    expect(amdahl.kappa).toBeLessThan(1e-7);
    expect(amdahl.sigma).toBeCloseTo(0.2, 3);
  });

  it('refuses fewer than 3 levels with a coded error', () => {
    expect(() =>
      fitUsl([
        { n: 1, x: 1 },
        { n: 2, x: 2 },
      ]),
    ).toThrow(expect.objectContaining({ code: 'LL_CAPACITY_INSUFFICIENT_DATA' }));
  });
});

describe('knee and Little', () => {
  const levels = levelsFrom({ sigma: 0.05, kappa: 0.002, lambda: 100 });
  it('finds the knee where marginal gain flattens, and by power', () => {
    const k = findKnee(levels);
    expect(k?.concurrency).toBe(8);
    const p = findKnee(levels, { method: 'max-power' });
    expect(p?.concurrency).toBeGreaterThanOrEqual(1);
    expect(p?.concurrency).toBeLessThanOrEqual(16);
    expect(findKnee(levels.slice(0, 1))).toBeNull();
  });

  it("checks Little's law and flags inconsistent levels", () => {
    const ok = littlesLawCheck(levels);
    expect(ok.every((c) => c.ok)).toBe(true);
    const bad = littlesLawCheck([{ ...levels[3]!, latencyMeanMs: levels[3]!.latencyMeanMs! / 3 }]);
    expect(bad[0]?.ok).toBe(false);
  });

  it('builds the capacity model with projections', () => {
    const m = buildCapacityModel(
      'capacity',
      levels.map((l) => ({ ...l, throughputUnit: 'sessions/s' as const })),
    );
    expect(m.usl?.r2).toBeGreaterThan(0.999);
    expect(m.projections['sessions.per_day.knee']?.value).toBe(Math.round(m.knee!.throughput * 86_400));
    expect(buildCapacityModel('c', levels.slice(0, 2)).usl).toBeNull();
  });
});

describe('runConcurrencySweep', () => {
  it('measures a contended resource and the model sees the contention', async () => {
    // A single-slot lock held 4 ms per op: throughput saturates at ~250/s whatever N is.
    let locked: Promise<void> = Promise.resolve();
    const op = async (): Promise<void> => {
      const prev = locked;
      let release!: () => void;
      locked = new Promise<void>((r) => {
        release = r;
      });
      await prev;
      await new Promise((r) => setTimeout(r, 4));
      release();
    };
    const seen: number[] = [];
    const levels = await runConcurrencySweep({ levels: [1, 2, 4], durationMs: 250, op, onLevel: (l) => seen.push(l.concurrency) });
    expect(seen).toEqual([1, 2, 4]);
    const x = levels.map((l) => l.throughput);
    expect(x[2]! / x[0]!).toBeLessThan(1.5);
    const checks = littlesLawCheck(levels, { tolerance: 0.3 });
    expect(checks.every((c) => c.ok)).toBe(true);
  });
});
