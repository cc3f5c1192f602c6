/**
 * The mock provider's time source, a port so rate limits and refill are tested on a fake clock
 * instead of by sleeping. `now()` is in milliseconds; only differences matter, except where
 * headers print it as a date (then it must be epoch-based, as Date.now is).
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to: the fake for tests of buckets and headers. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * The provider's clock as the mock sees it. The mock compresses every delay by `timeScale`
 * (0.01 = 100x faster), so one wall millisecond is 1/timeScale provider milliseconds: buckets
 * refill per provider minute, and a provider minute passes in 60 000 x timeScale wall ms. The
 * origin is the wall time at creation, so dates in headers start at "now" and run fast.
 */
export function providerClock(wall: Clock, timeScale: number): Clock {
  const origin = wall.now();
  return { now: () => origin + (wall.now() - origin) / timeScale };
}
