import type { Clock } from './clock.js';

/**
 * A continuously refilled token bucket, the algorithm Anthropic documents for its rate limits:
 * capacity is replenished up to the maximum at a steady rate rather than reset at fixed
 * intervals. Levels are fractional so a slow refill is not lost to rounding.
 */
export interface TokenBucket {
  readonly capacity: number;
  /** Tokens available now. */
  level(): number;
  /** Takes `n` if they are all there; never partially. */
  tryTake(n: number): boolean;
  /** Returns tokens (a reservation that turned out larger than what was used), up to capacity. */
  give(n: number): void;
  /** Clock milliseconds until `n` tokens are available (0 when they are now). */
  msUntil(n: number): number;
  /** Clock milliseconds until the bucket is full again. */
  msUntilFull(): number;
}

export function createTokenBucket(options: { capacity: number; refillPerMinute: number; clock: Clock }): TokenBucket {
  const { capacity, clock } = options;
  const perMs = options.refillPerMinute / 60_000;
  let level = capacity;
  let at = clock.now();
  const refresh = (): number => {
    const now = clock.now();
    if (now > at) {
      level = Math.min(capacity, level + (now - at) * perMs);
      at = now;
    }
    return level;
  };
  // A request larger than the whole bucket could never pass; it waits for a full bucket instead.
  const fit = (n: number): number => Math.min(n, capacity);
  return {
    capacity,
    level: refresh,
    tryTake(n) {
      if (refresh() + 1e-9 < fit(n)) return false;
      level -= fit(n);
      return true;
    },
    give(n) {
      refresh();
      level = Math.min(capacity, level + n);
    },
    msUntil(n) {
      const missing = fit(n) - refresh();
      return missing <= 0 ? 0 : missing / perMs;
    },
    msUntilFull() {
      return (capacity - refresh()) / perMs;
    },
  };
}
