import { describe, expect, it } from 'vitest';
import { createManualClock, providerClock } from './clock.js';
import { createTokenBucket } from './token-bucket.js';

describe('token bucket (fake clock)', () => {
  it('starts full, refills continuously at the per-minute rate and never above capacity', () => {
    const clock = createManualClock();
    const b = createTokenBucket({ capacity: 60, refillPerMinute: 60, clock });
    expect(b.level()).toBe(60);
    expect(b.tryTake(60)).toBe(true);
    expect(b.tryTake(1)).toBe(false);
    expect(b.msUntil(1)).toBeCloseTo(1_000, 6);
    clock.advance(500);
    expect(b.level()).toBeCloseTo(0.5, 9);
    expect(b.tryTake(1)).toBe(false);
    clock.advance(500);
    expect(b.tryTake(1)).toBe(true);
    clock.advance(30_000);
    expect(b.level()).toBeCloseTo(30, 9);
    expect(b.msUntilFull()).toBeCloseTo(30_000, 6);
    clock.advance(3_600_000);
    expect(b.level()).toBe(60);
  });

  it('takes all or nothing, gives back up to capacity, and lets an oversized request wait for a full bucket', () => {
    const clock = createManualClock();
    const b = createTokenBucket({ capacity: 8_000, refillPerMinute: 8_000, clock });
    expect(b.tryTake(5_000)).toBe(true);
    expect(b.tryTake(5_000)).toBe(false);
    expect(b.level()).toBe(3_000);
    b.give(4_000);
    expect(b.level()).toBe(7_000);
    b.give(10_000);
    expect(b.level()).toBe(8_000);
    expect(b.msUntil(20_000)).toBe(0);
    expect(b.tryTake(20_000)).toBe(true);
    expect(b.level()).toBe(0);
  });

  it('refills per provider minute: at timeScale 0.01 a provider minute passes in 600 wall ms', () => {
    const wall = createManualClock();
    const b = createTokenBucket({ capacity: 50, refillPerMinute: 50, clock: providerClock(wall, 0.01) });
    expect(b.tryTake(50)).toBe(true);
    wall.advance(300);
    expect(b.level()).toBeCloseTo(25, 9);
    wall.advance(300);
    expect(b.level()).toBeCloseTo(50, 9);
  });
});
