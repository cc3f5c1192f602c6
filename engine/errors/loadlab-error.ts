import { errorKind, type ErrorCode, type ErrorKind } from './registry.js';

/**
 * The one error type every part throws for conditions a user can act on. `code` is stable
 * (tests and scripts branch on it, never on the message) and registered (engine/errors/codes.ts,
 * harness/errors/codes.ts); its registry entry gives `kind`, which decides the CLI exit code, so a
 * code exits the same way wherever it is thrown. `hint` says how to fix it when the fix is known.
 */
export class LoadlabError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LoadlabError';
    this.code = code;
    this.kind = errorKind(code);
    this.hint = options.hint;
  }
}

export function isLoadlabError(err: unknown): err is LoadlabError {
  return err instanceof LoadlabError;
}

/** postgres://user:secret@host/db -> postgres://user:***@host/db; unparsable input is masked whole. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    for (const key of [...u.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) u.searchParams.set(key, '***');
    }
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]+/g,
  /(ANTHROPIC_API_KEY|VOYAGE_API_KEY|[A-Z_]*(?:TOKEN|SECRET|PASSWORD))=\S+/g,
  /(\/\/[^:/@\s]+):[^@\s]+@/g,
];

/** Masks API keys, KEY=value secrets and URL passwords in free text (logs, reports). */
export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    (acc, re) =>
      acc.replace(re, (match, g1: string | undefined) => {
        if (match.startsWith('sk-ant-')) return 'sk-ant-***';
        if (match.startsWith('//')) return `${g1 ?? '//'}:***@`;
        return `${g1 ?? ''}=***`;
      }),
    text,
  );
}
