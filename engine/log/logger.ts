import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export const LOG_DEFAULTS = {
  level: 'info',
  // Keys whose values never reach a log line, wherever they appear in a logged object.
  redact: [
    'apiKey',
    '*.apiKey',
    'ANTHROPIC_API_KEY',
    '*.ANTHROPIC_API_KEY',
    'VOYAGE_API_KEY',
    '*.VOYAGE_API_KEY',
    'authorization',
    '*.authorization',
    'headers.authorization',
    '*.headers.authorization',
    'password',
    '*.password',
    'token',
    '*.token',
  ],
} as const;

/**
 * Structured JSON logs to stderr (stdout belongs to the CLI's printed results and --json).
 * `LOADLAB_LOG_LEVEL` is read by the CLI and passed in; modules never read env themselves.
 */
export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? LOG_DEFAULTS.level,
      name: options.name ?? 'loadlab',
      redact: { paths: [...LOG_DEFAULTS.redact], censor: '***' },
      base: null,
    },
    (options.destination ?? process.stderr) as pino.DestinationStream,
  );
}

/** A logger that drops everything: the default in tests and libraries used programmatically. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
