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

/**
 * Replaces `$n` placeholders with literals, as psycopg2 does before sending a simple query.
 * Placeholders inside quoted strings, quoted identifiers and comments are left alone.
 */
export function interpolate(sql: string, params: readonly unknown[]): string {
  if (params.length === 0) return sql;
  const literals = params.map(toLiteral);
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    let end = -1;
    if (ch === "'" || ch === '"') end = closing(sql, i, ch);
    else if (ch === '-' && next === '-') end = lineEnd(sql, i);
    else if (ch === '/' && next === '*') end = blockEnd(sql, i);
    if (end >= 0) {
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '$' && next !== undefined && next >= '0' && next <= '9') {
      let j = i + 1;
      while (j < sql.length && (sql[j] as string) >= '0' && (sql[j] as string) <= '9') j++;
      const n = Number(sql.slice(i + 1, j));
      const lit = literals[n - 1];
      if (lit === undefined) throw new RangeError(`statement references $${n} but only ${params.length} parameter(s) were given`);
      out += lit;
      i = j;
      continue;
    }
    out += ch;
    i += 1;
  }
  return out;
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
