import { describe, expect, it } from 'vitest';
import { prune } from './subproblem.js';

const list = (perRound: readonly number[]) => perRound.flatMap((n, r) => Array.from({ length: n }, (_, i) => ({ round: r + 1, i })));

describe('prune', () => {
  it('keeps the last 2 rounds when they hold at least minKept, else the last minKept', () => {
    const four = list([4, 4, 3, 3]);
    // Rounds 3-4 hold 6: enough for 6 and for 3, not for 10.
    expect(prune(four, 4, 6)).toHaveLength(6);
    expect(prune(four, 4, 3)).toHaveLength(6);
    expect(prune(four, 4, 10)).toEqual(four.slice(-10));
    // Round 2 of 4 + 4 keeps all 8; a short list is never padded.
    expect(prune(list([4, 4]), 2, 6)).toHaveLength(8);
    expect(prune(list([3]), 1, 10)).toHaveLength(3);
  });
});
