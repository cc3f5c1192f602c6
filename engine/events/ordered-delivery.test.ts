import { describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../clock/index.js';
import { silentLogger } from '../log/index.js';
import type { EventEnvelope } from './envelope.js';
import { OrderedDelivery } from './ordered-delivery.js';

/**
 * OrderedDelivery on a manual clock, its stores faked: when a gap is re-fetched and when it is
 * given up on are exact times, not bounds.
 */
const env = (sequence: number): EventEnvelope => ({
  event_type: 'working_status',
  session_id: 's',
  sequence,
  timestamp: new Date(0).toISOString(),
  data: {},
});

function delivery(
  clock: ManualClock,
  maxWaitMs: number,
): { od: OrderedDelivery; got: number[]; fetchedAt: number[]; stored: EventEnvelope[] } {
  const got: number[] = [];
  const fetchedAt: number[] = [];
  const stored: EventEnvelope[] = [];
  const od = new OrderedDelivery({
    afterSequence: 0,
    onEvent: (e) => got.push(e.sequence),
    fetchAfter: async (after) => {
      fetchedAt.push(clock.now());
      return stored.filter((e) => e.sequence > after);
    },
    maxWaitMs,
    log: silentLogger(),
    clock,
  });
  return { od, got, fetchedAt, stored };
}

describe('OrderedDelivery (manual clock)', () => {
  it('re-fetches a gap at once, then after 50, 100, 200 ms, and delivers everything in order once the missing event is stored', async () => {
    const clock = createManualClock();
    const { od, got, fetchedAt, stored } = delivery(clock, 10_000);
    od.offer([env(1)]);
    expect(got).toEqual([1]);
    expect(clock.timers()).toBe(0); // no gap, nothing to fetch
    od.offer([env(4), env(3)]);
    expect([got, od.waiting]).toEqual([[1], 2]);
    await clock.advance(0);
    expect(fetchedAt).toEqual([0]);
    await clock.advance(49);
    expect(fetchedAt).toEqual([0]);
    await clock.advance(1);
    expect(fetchedAt).toEqual([0, 50]);
    await clock.advance(100);
    expect(fetchedAt).toEqual([0, 50, 150]);
    stored.push(env(2));
    await clock.advance(199);
    expect(got).toEqual([1]);
    await clock.advance(1);
    expect(fetchedAt).toEqual([0, 50, 150, 350]);
    expect(got).toEqual([1, 2, 3, 4]);
    expect([od.waiting, od.skipped, clock.timers()]).toEqual([0, 0, 0]);
    od.offer([env(2), env(4)]); // already delivered: never again
    expect(got).toEqual([1, 2, 3, 4]);
    // A later gap starts its back-off afresh.
    od.offer([env(6)]);
    await clock.advance(0);
    await clock.advance(49);
    expect(fetchedAt).toEqual([0, 50, 150, 350, 350]);
    await clock.advance(1);
    expect(fetchedAt).toEqual([0, 50, 150, 350, 350, 400]);
    od.close();
  });

  it('skips a gap still missing at the first re-fetch at or after maxWaitMs, and counts it', async () => {
    const clock = createManualClock();
    const { od, got, fetchedAt } = delivery(clock, 200);
    od.offer([env(3)]);
    await clock.advance(349);
    expect(fetchedAt).toEqual([0, 50, 150]); // 150 ms old at the third fetch: still waiting
    expect([got, od.skipped]).toEqual([[], 0]);
    await clock.advance(1);
    expect(fetchedAt).toEqual([0, 50, 150, 350]);
    expect(got).toEqual([3]);
    expect([od.skipped, od.lastSequence, clock.timers()]).toEqual([2, 3, 0]);
    od.close();
  });

  it('close cancels the pending re-fetch', async () => {
    const clock = createManualClock();
    const { od, fetchedAt } = delivery(clock, 200);
    od.offer([env(2)]);
    expect(clock.timers()).toBe(1);
    od.close();
    expect(clock.timers()).toBe(0);
    await clock.advance(10_000);
    expect(fetchedAt).toEqual([]);
  });
});
