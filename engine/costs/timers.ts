/**
 * The tracker's time source and interval timer, a port so the flush interval (§5.2) is tested on
 * a fake clock instead of by sleeping: a slow CI machine then cannot turn "the timer has not fired
 * yet" into a failure, and "the interval has elapsed" is a statement, not a hope.
 */
export interface TrackerTimers {
  now(): number;
  /** Calls `fn` every `ms` until the returned cancel is called. Must not keep the process alive. */
  every(ms: number, fn: () => void): () => void;
}

export const systemTimers: TrackerTimers = {
  now: () => Date.now(),
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};

/** Timers that move only when told to: `advance` runs every interval that falls due, in order. */
export interface ManualTimers extends TrackerTimers {
  advance(ms: number): void;
}

export function createManualTimers(startMs = 0): ManualTimers {
  let t = startMs;
  const intervals = new Set<{ ms: number; next: number; fn: () => void }>();
  return {
    now: () => t,
    every(ms, fn) {
      const entry = { ms, next: t + ms, fn };
      intervals.add(entry);
      return () => { intervals.delete(entry); };
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        let due: { ms: number; next: number; fn: () => void } | undefined;
        for (const e of intervals) if (e.next <= end && (due === undefined || e.next < due.next)) due = e;
        if (due === undefined) break;
        t = due.next;
        due.next += due.ms;
        due.fn();
      }
      t = end;
    },
  };
}
