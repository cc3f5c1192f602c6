import { ENGINE_ERRORS, isLoadlabError, redactSecrets } from '../../engine/errors/index.js';
import { EXIT_CODES } from './exit-codes.js';
import type { Printer } from './printer.js';

/** The coded error a crash becomes (the shape of RunResult.error). */
export interface CrashError {
  code: string;
  message: string;
}

/** Something a crash must not leave behind: a partial result to write, infrastructure to stop. */
export interface CrashCleanup {
  readonly name: string;
  run(error: CrashError): Promise<void> | void;
}

/**
 * What the command in progress registered for a crash. Cleanups run newest first, so a run's
 * partial result is written while its PostgreSQL still stands, and then the infrastructure goes.
 */
export interface CrashGuard {
  /** Registers a cleanup for the duration of some work; the returned function unregisters it. */
  track(cleanup: CrashCleanup): () => void;
  /** Runs every registered cleanup, newest first, each bounded by `timeoutMs`; never rejects. */
  cleanUp(error: CrashError, timeoutMs?: number): Promise<void>;
}

export const CRASH_DEFAULTS = {
  /** Per cleanup: long enough to drop a database and stop PostgreSQL, short enough not to hang a CI job. */
  cleanupTimeoutMs: 30_000,
} as const;

export function createCrashGuard(): CrashGuard {
  const cleanups: CrashCleanup[] = [];
  return {
    track(cleanup) {
      cleanups.push(cleanup);
      return () => {
        const i = cleanups.lastIndexOf(cleanup);
        if (i >= 0) cleanups.splice(i, 1);
      };
    },
    async cleanUp(error, timeoutMs = CRASH_DEFAULTS.cleanupTimeoutMs) {
      for (const cleanup of [...cleanups].reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        });
        try {
          await Promise.race([Promise.resolve().then(() => cleanup.run(error)), timeout]);
        } catch {
          // A cleanup that fails must not stop the ones after it.
        } finally {
          clearTimeout(timer);
        }
      }
    },
  };
}

/** Any failure that is not a LoadlabError is a bug: one coded line, whatever was thrown. */
export function internalError(err: unknown): CrashError {
  const message = err instanceof Error ? err.message || err.name : String(err);
  const wrapped = isLoadlabError(err) ? `${message} (${err.code}, not caught where it was raised)` : message;
  return { code: ENGINE_ERRORS.INTERNAL, message: redactSecrets(wrapped) };
}

/**
 * Prints an internal error: `loadlab: internal error: <message> [LL_INTERNAL]`, then the stack
 * only at debug (or trace) log level, since a stack is for whoever fixes the bug, not for the user.
 */
export function printInternalError(printer: Printer, err: unknown, debug: boolean): void {
  const coded = internalError(err);
  printer.error(`loadlab: internal error: ${coded.message} [${coded.code}]`);
  if (debug && err instanceof Error && err.stack !== undefined) printer.error(redactSecrets(err.stack));
  else printer.error('  (set LOADLAB_LOG_LEVEL=debug for the stack trace, and please report it)');
}

/**
 * Turns any uncaught exception or unhandled rejection into LL_INTERNAL: print it, run the
 * registered cleanups (partial result, infrastructure), exit 1. A second crash during the cleanup
 * exits at once (the infrastructure's own 'exit' hook still kills the children and removes the
 * run directory). Returns the function that uninstalls the handlers.
 */
export function installCrashHandlers(options: {
  guard: CrashGuard;
  printer: Printer;
  debug: () => boolean;
  exit?: (code: number) => void;
  timeoutMs?: number;
}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let crashing = false;
  const onCrash = (err: unknown): void => {
    if (crashing) {
      exit(EXIT_CODES.UNEXPECTED);
      return;
    }
    crashing = true;
    printInternalError(options.printer, err, options.debug());
    void options.guard.cleanUp(internalError(err), options.timeoutMs).finally(() => exit(EXIT_CODES.UNEXPECTED));
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}
