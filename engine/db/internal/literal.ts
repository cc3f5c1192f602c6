import { createRequire } from 'node:module';
import pg from 'pg';

/**
 * pg's own conversion of a JS value to the text it sends as a parameter (arrays as `{...}`, Dates
 * as timestamptz text, objects as JSON), so a value interpolated client-side reads exactly as the
 * same value bound as a parameter. It lives in pg/lib/utils, which @types/pg does not describe.
 */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils') as { prepareValue: (v: unknown) => string | Buffer | null };

/** A parameter's text exactly as node-postgres binds it (pgbench -D takes this form). */
export function paramText(value: unknown): string {
  const v = prepareValue(value);
  if (v === null || v === undefined) throw new RangeError('NULL cannot be given as text');
  return Buffer.isBuffer(v) ? `\\x${v.toString('hex')}` : v;
}

/**
 * One parameter as an SQL literal. Everything is a quoted, untyped literal ('42', '{a,b}'), so the
 * server resolves its type from context exactly as it does for an untyped bound parameter.
 */
export function toLiteral(value: unknown): string {
  const v = prepareValue(value);
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v)) return pg.escapeLiteral(`\\x${v.toString('hex')}`);
  return pg.escapeLiteral(v);
}

/** A statement split at its placeholders: text[0] $refs[0] text[1] … text[n]. */
interface Template {
  text: string[];
  refs: number[];
}

/** Parsed statements by SQL text; the engine sends a few dozen distinct texts, so this stays small. */
const templates = new Map<string, Template>();
const MAX_TEMPLATES = 1_000;

/**
 * Replaces `$n` placeholders with literals, as psycopg2 does before sending a simple query.
 * Placeholders inside quoted strings, quoted identifiers and comments are left alone. The scan of
 * a statement is done once per distinct text (it cost ~15 µs for a 1 KB statement on every call).
 */
export function interpolate(sql: string, params: readonly unknown[]): string {
  if (params.length === 0) return sql;
  const t = template(sql);
  let out = t.text[0] as string;
  for (let k = 0; k < t.refs.length; k++) {
    const n = t.refs[k] as number;
    if (n < 1 || n > params.length) throw new RangeError(`statement references $${n} but only ${params.length} parameter(s) were given`);
    out += toLiteral(params[n - 1]) + (t.text[k + 1] as string);
  }
  return out;
}

function template(sql: string): Template {
  const known = templates.get(sql);
  if (known !== undefined) return known;
  const t = parseTemplate(sql);
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  templates.set(sql, t);
  return t;
}

function parseTemplate(sql: string): Template {
  const text: string[] = [];
  const refs: number[] = [];
  let from = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    let end = -1;
    if (ch === "'" || ch === '"') end = closing(sql, i, ch);
    else if (ch === '-' && next === '-') end = lineEnd(sql, i);
    else if (ch === '/' && next === '*') end = blockEnd(sql, i);
    if (end >= 0) {
      i = end;
      continue;
    }
    if (ch === '$' && next !== undefined && next >= '0' && next <= '9') {
      let j = i + 1;
      while (j < sql.length && (sql[j] as string) >= '0' && (sql[j] as string) <= '9') j++;
      text.push(sql.slice(from, i));
      refs.push(Number(sql.slice(i + 1, j)));
      from = j;
      i = j;
      continue;
    }
    i += 1;
  }
  text.push(sql.slice(from));
  return { text, refs };
}

/** Index just past the quote that closes the one at `start` ('' and "" are escapes). */
function closing(sql: string, start: number, q: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === q) {
      if (sql[i + 1] === q) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}

function lineEnd(sql: string, start: number): number {
  const nl = sql.indexOf('\n', start);
  return nl < 0 ? sql.length : nl;
}

function blockEnd(sql: string, start: number): number {
  const e = sql.indexOf('*/', start + 2);
  return e < 0 ? sql.length : e + 2;
}
