/**
 * The engine's time source, a port: the stateful parts (cost tracker, session manager, event
 * batcher, ordered delivery, subscriber) read the time and wait through it, so their timing rules
 * (flush interval, eviction grace period, batch window, gap retries, polling) are tested on a
 * manual clock that moves only when told to, instead of by sleeping with bounds a loaded CI
 * machine can break.
 */
export interface Clock {
  /** Epoch milliseconds (reports print it as a date; durations are differences). */
  now(): number;
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
  /** Calls `fn` every `ms` until the returned cancel is called. Never keeps the process alive. */
  every(ms: number, fn: () => void): () => void;
  /** Calls `fn` once after `ms` unless the returned cancel is called first. Never keeps the process alive. */
  after(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** A clock that moves only on `advance`; what falls due runs in time order. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, running due timers and waking due sleepers in order; settles pending promise callbacks after each. */
  advance(ms: number): Promise<void>;
  /** Sleeps not yet woken (a test waits for the code under test to reach its sleep). */
  sleepers(): number;
  /** One-shot timers (`after`) neither run nor cancelled (a test waits for the code under test to arm its timer). */
  timers(): number;
}

interface Due {
  at: number;
  run: () => void;
  kind: 'sleep' | 'after' | 'every';
  every?: number;
}

export function createManualClock(startMs = 0): ManualClock {
  let t = startMs;
  const due = new Set<Due>();
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const count = (kind: Due['kind']): number => [...due].filter((d) => d.kind === kind).length;
  return {
    now: () => t,
    sleep(ms) {
      return new Promise((resolve) => {
        due.add({ at: t + Math.max(0, ms), run: resolve, kind: 'sleep' });
      });
    },
    every(ms, fn) {
      const entry: Due = { at: t + ms, run: fn, kind: 'every', every: ms };
      due.add(entry);
      return () => {
        due.delete(entry);
      };
    },
    after(ms, fn) {
      const entry: Due = { at: t + Math.max(0, ms), run: fn, kind: 'after' };
      due.add(entry);
      return () => {
        due.delete(entry);
      };
    },
    sleepers: () => count('sleep'),
    timers: () => count('after'),
    async advance(ms) {
      const end = t + ms;
      for (;;) {
        let next: Due | undefined;
        // Ties run in the order they were scheduled (a Set iterates in insertion order).
        for (const d of due) if (d.at <= end && (next === undefined || d.at < next.at)) next = d;
        if (next === undefined) break;
        t = next.at;
        if (next.every === undefined) due.delete(next);
        else next.at += next.every;
        next.run();
        await settle();
      }
      t = end;
      await settle();
    },
  };
}
