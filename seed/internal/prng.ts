/**
 * Seeded randomness. Every row is derived from `hash(seed, kind, index)`, never from a shared
 * stream, so each table can be generated on its own (and in any order) with identical results.
 */

/** A 32-bit integer hash of up to four integers (murmur3 finaliser rounds). */
export function hash32(a: number, b: number, c = 0, d = 0): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ d, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A small, fast PRNG (sfc32) whose state is seeded from a hash. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function rngFrom(seed: number, kind: number, index: number, sub = 0): Rng {
  let a = hash32(seed, kind, index, sub);
  let b = hash32(a, 0x1b873593);
  let c = hash32(b, 0xcc9e2d51);
  let d = 1;
  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // A few warm-up rounds decorrelate neighbouring indexes.
  for (let i = 0; i < 8; i++) nextU32();
  const next = (): number => nextU32() / 4294967296;
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p) => next() < p,
  };
}

/** Stream tags: one per kind of derived value so streams never overlap. */
export const KIND = {
  user: 1,
  userContext: 2,
  token: 3,
  tagCount: 4,
  tag: 5,
  session: 6,
  events: 7,
  costs: 8,
  contributions: 9,
  tasks: 10,
  actions: 11,
  actionTags: 12,
  clarifications: 13,
  research: 14,
  requestId: 15,
} as const;
