import { LoadlabError } from '../../engine/errors/index.js';
import { createLogger, type Logger } from '../../engine/log/index.js';
import { HARNESS_ERRORS } from '../errors/index.js';
import { closeOnExit, provisionInfra, type Infra, type InfraOptions } from '../infra/index.js';
import { CRASH_DEFAULTS, type CrashGuard } from './crash.js';
import type { Printer } from './printer.js';

/** Environment variables loadlab reads, all in this one place (docs/contributing.md). */
export interface CliEnv {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  logLevel: LogLevel;
  stateDir: string | undefined;
}

/** The values LOADLAB_LOG_LEVEL accepts (pino's levels), most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const CLI_ENV_DEFAULTS = {
  logLevel: 'warn' as LogLevel,
} as const;

/** Reads and validates the environment; a bad value is a configuration error (exit 2), never a stack trace. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const blank = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());
  return {
    databaseUrl: blank(env.DATABASE_URL),
    redisUrl: blank(env.REDIS_URL),
    logLevel: parseLogLevel(blank(env.LOADLAB_LOG_LEVEL)),
    stateDir: blank(env.LOADLAB_STATE_DIR),
  };
}

function parseLogLevel(value: string | undefined): LogLevel {
  if (value === undefined) return CLI_ENV_DEFAULTS.logLevel;
  const level = value.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new LoadlabError(HARNESS_ERRORS.LOG_LEVEL_INVALID, `LOADLAB_LOG_LEVEL is "${value}", which is not a log level`, {
    hint: `set it to one of ${LOG_LEVELS.join(', ')}, or unset it (default ${CLI_ENV_DEFAULTS.logLevel})`,
  });
}

/** Whether stack traces are shown: they are for whoever debugs loadlab, not for its users. */
export function showsStacks(level: LogLevel): boolean {
  return level === 'debug' || level === 'trace';
}

export interface WithInfraOptions extends InfraOptions {
  label?: string;
  /** Runs on SIGINT/SIGTERM before the infrastructure is torn down (see closeOnExit). */
  onSignal?: (signal: NodeJS.Signals) => Promise<void> | void;
  /** The exit code after a signal (default 130/143, the shell's convention for a stopped command). */
  exitCode?: (signal: NodeJS.Signals) => number;
}

export interface CliContext {
  env: CliEnv;
  logger: Logger;
  /** What a crash (uncaught exception, unhandled rejection) cleans up; see crash.ts. */
  crashGuard: CrashGuard;
  printer(json: boolean): Printer;
  /**
   * Provisions infrastructure for the duration of `fn` (option > env > embedded default) and
   * always tears it down: when `fn` ends, on Ctrl-C/SIGTERM, and on a crash.
   */
  withInfra<T>(options: WithInfraOptions, fn: (infra: Infra) => Promise<T>): Promise<T>;
}

export function createContext(env: CliEnv, makePrinter: (json: boolean) => Printer, crashGuard: CrashGuard): CliContext {
  const logger = createLogger({ level: env.logLevel });
  return {
    env,
    logger,
    crashGuard,
    printer: makePrinter,
    async withInfra(options, fn) {
      const infra = await provisionInfra({
        databaseUrl: options.databaseUrl ?? env.databaseUrl,
        redisUrl: options.redisUrl ?? env.redisUrl,
        stateDir: options.stateDir ?? env.stateDir,
        keep: options.keep,
        redis: options.redis,
        logger,
        ...(options.label === undefined ? {} : { label: options.label }),
      });
      const release = closeOnExit(infra, {
        ...(options.onSignal === undefined ? {} : { onSignal: options.onSignal }),
        ...(options.exitCode === undefined ? {} : { exitCode: options.exitCode }),
      });
      const untrack = crashGuard.track({
        name: 'infrastructure',
        run: async () => {
          await Promise.race([infra.close(), new Promise((r) => setTimeout(r, CRASH_DEFAULTS.cleanupTimeoutMs).unref())]);
          infra.abandon();
        },
      });
      try {
        return await fn(infra);
      } finally {
        // Closed before the signal and crash handlers go: a Ctrl-C during the teardown waits for it.
        await infra.close();
        untrack();
        release();
      }
    },
  };
}
