import { AsyncLocalStorage } from 'node:async_hooks';

/** One executed statement, as seen by the tracer hook. */
export interface QueryTrace {
  /** Normalised SQL: literals and $n become `?`, whitespace collapsed, IN/VALUES lists folded. */
  readonly fingerprint: string;
  /** Optional caller-given name (e.g. `sessions.list_by_user`), stable across shapes. */
  readonly name: string | undefined;
  readonly durationMs: number;
  /** Time spent waiting for a pool connection before the statement ran (0 inside a transaction). */
  readonly acquireMs: number;
  readonly rows: number;
  /** The span active when the statement was issued (see withSpan), e.g. one HTTP request. */
  readonly parentSpanId: string | undefined;
  readonly error: string | undefined;
}

/** Receives every statement that goes through Db.query; must be cheap and never throw. */
export type QueryTracer = (trace: QueryTrace) => void;

const spans = new AsyncLocalStorage<string>();

/** Runs `fn` with `spanId` as the parent span of every statement issued inside it. */
export function withSpan<T>(spanId: string, fn: () => T): T {
  return spans.run(spanId, fn);
}

/** The span id set by the innermost withSpan, if any. */
export function currentSpanId(): string | undefined {
  return spans.getStore();
}

const fingerprints = new Map<string, string>();

/**
 * Normalises SQL so every execution of one statement shape maps to one key. Memoised: the
 * engine issues a few dozen distinct texts, and the regexes would otherwise run per query.
 */
export function fingerprintSql(sql: string): string {
  const hit = fingerprints.get(sql);
  if (hit !== undefined) return hit;
  const fp = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .replace(/\(\s*\?(?:\s*,\s*\?)*\s*\)/g, '(?)')
    .replace(/\(\?\)(?:\s*,\s*\(\?\))+/g, '(?)')
    .trim();
  if (fingerprints.size < 10_000) fingerprints.set(sql, fp);
  return fp;
}
