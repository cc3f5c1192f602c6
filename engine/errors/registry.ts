import type { EngineErrorCode } from './codes.js';

/**
 * What a LoadlabError is about, which decides the CLI exit code (harness/cli/exit-codes.ts):
 * usage and config exit 2, infra and internal 1, data-loss 4, interrupted 7. `interrupted` is a run
 * stopped by SIGINT or SIGTERM: not a failure of the run's subject, and it has an exit code of its own.
 */
export type ErrorKind = 'usage' | 'config' | 'infra' | 'internal' | 'data-loss' | 'interrupted';

/** One registry entry: the stable code and its kind. A code has one kind wherever it is thrown. */
export type ErrorEntry = readonly [code: `LL_${string}`, kind: ErrorKind];

/**
 * The codes of every registry. engine/errors/codes.ts is listed here; harness/errors/codes.ts
 * adds its own by declaration merging (the engine never imports the harness), so `ErrorCode` is
 * the union of both and a code nobody registered does not compile.
 */
export interface ErrorCodeRegistry {
  engine: EngineErrorCode;
}

export type ErrorCode = ErrorCodeRegistry[keyof ErrorCodeRegistry];

const KINDS = new Map<string, ErrorKind>();

/**
 * Registers a table of `KEY: [code, kind]` entries and returns `KEY: code`, so throw sites name
 * `X_ERRORS.KEY` and the kind (hence the exit code) comes from the registry alone. A code
 * registered twice is a programming error and fails at import.
 */
export function defineErrors<const T extends Record<string, ErrorEntry>>(entries: T): { readonly [K in keyof T]: T[K][0] } {
  const codes: Record<string, string> = {};
  for (const [key, [code, kind]] of Object.entries(entries)) {
    if (KINDS.has(code)) throw new Error(`error code ${code} is registered twice`);
    KINDS.set(code, kind);
    codes[key] = code;
  }
  return Object.freeze(codes) as { readonly [K in keyof T]: T[K][0] };
}

/** The registered kind of a code; an unregistered one (impossible once typed) is internal. */
export function errorKind(code: string): ErrorKind {
  return KINDS.get(code) ?? 'internal';
}

/** Every registered code with its kind, for the registry tests and docs/errors.md. */
export function registeredErrors(): ReadonlyMap<string, ErrorKind> {
  return KINDS;
}
