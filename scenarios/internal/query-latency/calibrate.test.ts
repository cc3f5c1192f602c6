import { describe, expect, it } from 'vitest';
import { blockSizes, measureWithOneRepeat } from './calibrate.js';

describe('blockSizes', () => {
  it('splits the executions into near-equal alternating blocks that sum to the total', () => {
    expect(blockSizes(200, 4)).toEqual([50, 50, 50, 50]);
    expect(blockSizes(10, 4)).toEqual([3, 3, 2, 2]);
    expect(blockSizes(3, 4)).toEqual([1, 1, 1]);
    expect(blockSizes(7, 1)).toEqual([7]);
  });
});

describe('measureWithOneRepeat', () => {
  const fails = (x: number): string[] => (x > 1.3 ? [`ratio ${x} outside`] : []);

  it('keeps a first attempt that passes, without a repeat', async () => {
    const attempts: number[] = [];
    const out = await measureWithOneRepeat(async (a) => (attempts.push(a), 1.1), fails);
    expect(out).toEqual({ result: 1.1 });
    expect(attempts).toEqual([0]);
  });

  it("measures a failing pair once more and keeps the repeat, with the first attempt's reasons", async () => {
    const attempts: number[] = [];
    const out = await measureWithOneRepeat(async (a) => (attempts.push(a), a === 0 ? 1.68 : 1.05), fails);
    expect(out).toEqual({ result: 1.05, firstAttempt: ['ratio 1.68 outside'] });
    expect(attempts).toEqual([0, 1]);
  });

  it('never measures a third time: a harness that is slow twice stays failed', async () => {
    const attempts: number[] = [];
    const out = await measureWithOneRepeat(async (a) => (attempts.push(a), 1.5), fails);
    expect(out.result).toBe(1.5);
    expect(fails(out.result)).toHaveLength(1);
    expect(attempts).toEqual([0, 1]);
  });
});
