import { describe, expect, it } from 'vitest';
import { createManualClock, systemClock } from './index.js';

describe('manual clock', () => {
  it('after: runs once exactly when due, not a millisecond before', async () => {
    const clock = createManualClock(1_000);
    const ran: number[] = [];
    clock.after(100, () => ran.push(clock.now()));
    expect(clock.timers()).toBe(1);
    await clock.advance(99);
    expect(ran).toEqual([]);
    await clock.advance(1);
    expect(ran).toEqual([1_100]);
    expect(clock.timers()).toBe(0);
    await clock.advance(1_000);
    expect(ran).toEqual([1_100]);
  });

  it('after: the returned cancel removes the timer', async () => {
    const clock = createManualClock();
    let ran = false;
    const cancel = clock.after(10, () => {
      ran = true;
    });
    cancel();
    expect(clock.timers()).toBe(0);
    await clock.advance(100);
    expect(ran).toBe(false);
  });

  it('after(0) runs on the next advance, and timers armed by a due timer run within the same advance', async () => {
    const clock = createManualClock();
    const ran: string[] = [];
    clock.after(0, () => {
      ran.push(`a@${clock.now()}`);
      clock.after(5, () => ran.push(`b@${clock.now()}`));
    });
    expect(ran).toEqual([]);
    await clock.advance(10);
    expect(ran).toEqual(['a@0', 'b@5']);
    expect(clock.now()).toBe(10);
  });

  it('runs timers, intervals and sleeps in time order; sleepers() counts only sleeps', async () => {
    const clock = createManualClock();
    const order: string[] = [];
    clock.after(30, () => order.push('after30'));
    const stop = clock.every(20, () => order.push(`every@${clock.now()}`));
    void clock.sleep(25).then(() => order.push('sleep25'));
    expect([clock.sleepers(), clock.timers()]).toEqual([1, 1]);
    await clock.advance(45);
    stop();
    expect(order).toEqual(['every@20', 'sleep25', 'after30', 'every@40']);
    expect([clock.sleepers(), clock.timers()]).toEqual([0, 0]);
  });
});

describe('system clock', () => {
  it('after: fires once, and a cancelled timer never fires', async () => {
    const fired: string[] = [];
    systemClock.after(1, () => fired.push('kept'));
    const cancel = systemClock.after(1, () => fired.push('cancelled'));
    cancel();
    await systemClock.sleep(20);
    expect(fired).toEqual(['kept']);
  });
});
