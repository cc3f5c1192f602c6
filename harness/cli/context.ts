import { createLogger, type Logger } from '../../engine/log/index.js';
import { closeOnExit, provisionInfra, type Infra, type InfraOptions } from '../infra/index.js';
import type { Printer } from './printer.js';

/** Environment variables loadlab reads, all in this one place (style.md §6). */
export interface CliEnv {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  logLevel: string;
  stateDir: string | undefined;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const blank = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());
  return {
    databaseUrl: blank(env.DATABASE_URL),
    redisUrl: blank(env.REDIS_URL),
    logLevel: blank(env.LOADLAB_LOG_LEVEL) ?? 'warn',
    stateDir: blank(env.LOADLAB_STATE_DIR),
  };
}

export interface CliContext {
  env: CliEnv;
  logger: Logger;
  printer(json: boolean): Printer;
  /**
   * Provisions infrastructure for the duration of `fn` (option > env > embedded default) and
   * always tears it down, also on Ctrl-C.
   */
  withInfra<T>(options: InfraOptions & { label?: string; onSignal?: (signal: NodeJS.Signals) => Promise<void> | void }, fn: (infra: Infra) => Promise<T>): Promise<T>;
}

export function createContext(env: CliEnv, makePrinter: (json: boolean) => Printer): CliContext {
  const logger = createLogger({ level: env.logLevel });
  return {
    env,
    logger,
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
      const release = closeOnExit(infra, options.onSignal);
      try {
        return await fn(infra);
      } finally {
        release();
        await infra.close();
      }
    },
  };
}
