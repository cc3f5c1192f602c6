import { redactSecrets } from '../../engine/errors/index.js';

/**
 * The only place that writes to the terminal. Results go to stdout (one JSON object with --json),
 * human messages and errors to stderr, so `loadlab x --json | jq` always gets clean JSON.
 */
export interface Printer {
  readonly json: boolean;
  readonly tty: boolean;
  /** A human line on stdout (suppressed with --json). */
  line(text?: string): void;
  /** Progress / status on stderr (suppressed with --json unless it is an error). */
  status(text: string): void;
  /** The machine-readable result: printed with --json, ignored otherwise. */
  result(value: unknown): void;
  error(text: string): void;
  /** A rewritable progress line on a TTY; a plain line otherwise. */
  progress(text: string): void;
  endProgress(): void;
}

export function createPrinter(options: { json: boolean; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream }): Printer {
  const out = options.stdout ?? process.stdout;
  const err = options.stderr ?? process.stderr;
  const tty = Boolean(err.isTTY) && process.env.CI !== 'true';
  let progressOpen = false;
  const endProgress = (): void => {
    if (progressOpen) err.write('\n');
    progressOpen = false;
  };
  return {
    json: options.json,
    tty,
    line(text = '') {
      if (options.json) return;
      endProgress();
      out.write(`${redactSecrets(text)}\n`);
    },
    status(text) {
      if (options.json) return;
      endProgress();
      err.write(`${redactSecrets(text)}\n`);
    },
    result(value) {
      if (options.json) out.write(`${redactSecrets(JSON.stringify(value))}\n`);
    },
    error(text) {
      endProgress();
      err.write(`${redactSecrets(text)}\n`);
    },
    progress(text) {
      if (options.json) return;
      if (tty) {
        err.write(`\r\x1b[2K${redactSecrets(text)}`);
        progressOpen = true;
      } else {
        err.write(`${redactSecrets(text)}\n`);
      }
    },
    endProgress,
  };
}
