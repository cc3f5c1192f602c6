import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { excludedFromLoopDelay } from './loop-pause.js';
import { startResourceSampler } from './sampler.js';

// A synchronous stall of the main thread, the shape of a forced full GC on a large heap.
const spin = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
};

describe('excludedFromLoopDelay', () => {
  it('keeps a deliberate stall out of the sampler’s event-loop delay, and counts it', async () => {
    const s = startResourceSampler({ intervalMs: 50 });
    await sleep(100);
    const v = excludedFromLoopDelay(() => {
      spin(300);
      return 7;
    });
    await sleep(100);
    const out = s.stop();
    expect(v).toBe(7);
    expect(out.eventLoopDelay.max, 'the 300 ms stall is not in the histogram').toBeLessThan(250);
    expect(out.excludedStalls.count).toBe(1);
    expect(out.excludedStalls.ms).toBeGreaterThanOrEqual(300);
  });

  it('the same stall outside it is recorded (the check above can fail)', async () => {
    const s = startResourceSampler({ intervalMs: 50 });
    await sleep(100);
    spin(300);
    await sleep(100);
    const out = s.stop();
    expect(out.eventLoopDelay.max).toBeGreaterThanOrEqual(250);
    expect(out.excludedStalls.count).toBe(0);
  });
});
