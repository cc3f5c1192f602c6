import { describe, expect, it } from 'vitest';
import { measureWithOneRepeat } from './once-more.js';

describe('measureWithOneRepeat', () => {
  const fails = (x: number): string[] => (x > 1.3 ? [`ratio ${x} outside`] : []);

  it('keeps a first attempt that passes, without a repeat', async () => {
    const attempts: number[] = [];
    const out = await measureWithOneRepeat(async (a) => (attempts.push(a), 1.1), fails);
    expect(out).toEqual({ result: 1.1 });
    expect(attempts).toEqual([0]);
  });

  it("measures a failing pair once more and keeps the repeat, with the first attempt's result and reasons", async () => {
    const attempts: number[] = [];
    const out = await measureWithOneRepeat(async (a) => (attempts.push(a), a === 0 ? 1.68 : 1.05), fails);
    expect(out).toEqual({ result: 1.05, first: { result: 1.68, reasons: ['ratio 1.68 outside'] } });
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
