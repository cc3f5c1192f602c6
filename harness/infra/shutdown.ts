import type { Infra } from './provision.js';

/**
 * Makes children die with the harness: SIGINT/SIGTERM close the infrastructure and exit
 * (130/143), and a last synchronous 'exit' hook SIGKILLs any child still running. A SIGKILL of
 * the harness itself cannot be caught; the run record lets the next run clean up.
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
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('exit', lastResort);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    process.off('exit', lastResort);
  };
}
