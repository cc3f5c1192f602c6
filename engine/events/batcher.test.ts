import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock/index.js';
import { resolveConfig } from '../config/index.js';
import type { SessionEventInput, SessionEventRepository } from '../db/index.js';
import { silentLogger } from '../log/index.js';
import { EventBatcher, RETRY_DELAY_MS } from './batcher.js';

/** A session_events repository that refuses every write while `down` (PostgreSQL unreachable). */
function fakeRepository(down = true): { repo: SessionEventRepository; state: { down: boolean; saved: number[] } } {
  const state = { down, saved: [] as number[] };
  const saveBatch = async (events: SessionEventInput[]): Promise<number> => {
    if (state.down) throw new Error('connection refused');
    state.saved.push(...events.map((e) => e.sequence));
    return events.length;
  };
  return { repo: { saveBatch } as unknown as SessionEventRepository, state };
}

const event = (sequence: number, eventType = 'working_status'): SessionEventInput => ({
  sessionId: 's',
  eventType,
  sequence,
  data: {},
  createdAt: new Date(),
});

/** Tracks whether a promise has settled, without awaiting it. */
function settled(p: Promise<unknown>): { done: () => boolean } {
  let done = false;
  const mark = (): void => {
    done = true;
  };
  void p.then(mark, mark);
  return { done: () => done };
}

describe('EventBatcher with PostgreSQL down', () => {
  it('holds at most maxPendingEvents, drops the oldest and counts them: emitted = persisted + backlog + dropped', async () => {
    const cfg = resolveConfig({ events: { maxPendingEvents: 100, batchSize: 10 } });
    const { repo, state } = fakeRepository();
    // A manual clock: no retry timer fires in the middle of the test, so every write below is one the test asked for.
    const b = new EventBatcher(repo, cfg.events, silentLogger(), createManualClock());
    for (let i = 1; i <= 300; i++) {
      b.add(event(i));
      if (i % 10 === 0) {
        await b.flush();
        expect(b.backlog).toBeLessThanOrEqual(100); // writes settled: the bound holds
      }
      expect(b.persisted + b.backlog + b.dropped).toBe(i);
    }
    expect(b.dropped).toBe(200);
    state.down = false;
    await b.drain(2_000);
    expect(b).toMatchObject({ persisted: 100, backlog: 0, dropped: 200 });
    expect(state.saved).toEqual(Array.from({ length: 100 }, (_, i) => 201 + i));
    b.close();
  });
});

describe('EventBatcher timing (manual clock)', () => {
  it('timerFlush: buffered events are written exactly batchWindowMs after the first arrived, not a millisecond before', async () => {
    const clock = createManualClock();
    const cfg = resolveConfig({ events: { timerFlush: true, batchWindowMs: 50 } });
    const { repo, state } = fakeRepository(false);
    const b = new EventBatcher(repo, cfg.events, silentLogger(), clock);
    b.add(event(1));
    await clock.advance(10);
    b.add(event(2)); // the window runs from the oldest buffered event, not the newest
    await clock.advance(39);
    expect(state.saved).toEqual([]);
    await clock.advance(1);
    expect(state.saved).toEqual([1, 2]);
    expect(b).toMatchObject({ persisted: 2, backlog: 0 });
    expect(clock.timers()).toBe(0);
    b.close();
  });

  it('audited (no timer): the window is checked only when the next event arrives', async () => {
    const clock = createManualClock();
    const cfg = resolveConfig({ variant: 'audited', events: { timerFlush: false, batchWindowMs: 50 } });
    const { repo, state } = fakeRepository(false);
    const b = new EventBatcher(repo, cfg.events, silentLogger(), clock);
    b.add(event(1));
    await clock.advance(49);
    b.add(event(2)); // inside the window
    await clock.advance(1); // the window has now passed, but no timer exists to notice
    expect(state.saved).toEqual([]);
    expect(clock.timers()).toBe(0);
    b.add(event(3)); // arrives 50 ms after the first: the window is due
    await clock.advance(0); // moves no time; lets the write settle
    expect(state.saved).toEqual([1, 2, 3]);
    b.add(event(4));
    await clock.advance(60_000);
    expect(state.saved).toEqual([1, 2, 3]); // a quiet session's last event waits for flush()
    await b.flush();
    expect(state.saved).toEqual([1, 2, 3, 4]);
    b.close();
  });

  it('a critical event is written at once; a failed write is retried exactly RETRY_DELAY_MS later', async () => {
    const clock = createManualClock();
    const cfg = resolveConfig({ events: { timerFlush: true, batchWindowMs: 50 } });
    const { repo, state } = fakeRepository(true);
    const b = new EventBatcher(repo, cfg.events, silentLogger(), clock);
    b.add(event(1));
    b.add(event(2, 'complete')); // critical: flushes the buffer with it, no window
    await clock.advance(0);
    expect([b.failures, b.backlog, clock.timers()]).toEqual([1, 2, 1]);
    state.down = false;
    await clock.advance(RETRY_DELAY_MS - 1);
    expect(state.saved).toEqual([]);
    await clock.advance(1);
    expect(state.saved).toEqual([1, 2]);
    expect(b).toMatchObject({ persisted: 2, backlog: 0, failures: 1 });
    b.close();
  });

  it('drain retries every 20 ms of clock time and gives up exactly at its deadline, keeping the backlog', async () => {
    const clock = createManualClock();
    const cfg = resolveConfig({ events: { timerFlush: true } });
    const { repo, state } = fakeRepository(true);
    const b = new EventBatcher(repo, cfg.events, silentLogger(), clock);
    b.add(event(1, 'complete'));
    const draining = settled(b.drain(1_000));
    await clock.advance(0);
    expect(clock.sleepers()).toBe(1); // the first write failed; drain waits to look again
    const failuresBefore = b.failures;
    await clock.advance(100);
    expect(b.failures - failuresBefore).toBe(5); // at 20, 40, 60, 80 and 100 ms
    await clock.advance(899);
    expect(draining.done()).toBe(false);
    await clock.advance(1);
    expect(draining.done()).toBe(true);
    expect(b.backlog).toBe(1); // given up on, not lost
    state.down = false;
    const again = settled(b.drain(1_000));
    await clock.advance(0);
    expect(again.done()).toBe(true);
    expect([b.persisted, b.backlog, clock.now()]).toEqual([1, 0, 1_000]);
    b.close();
  });
});
