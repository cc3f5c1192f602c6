import { describe, expect, it } from 'vitest';
import { blockSizes } from './calibrate.js';

describe('blockSizes', () => {
  it('splits the executions into near-equal alternating blocks that sum to the total', () => {
    expect(blockSizes(200, 4)).toEqual([50, 50, 50, 50]);
    expect(blockSizes(10, 4)).toEqual([3, 3, 2, 2]);
    expect(blockSizes(3, 4)).toEqual([1, 1, 1]);
    expect(blockSizes(7, 1)).toEqual([7]);
  });
});
