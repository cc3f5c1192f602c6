import pg from 'pg';

/**
 * pg type parsers that keep `timestamptz` values as ISO 8601 strings (`…T…sssZ`, the exact text
 * `Date.prototype.toISOString()` gives) instead of Date objects. For rows that only go out as
 * JSON: pg's default parser (postgres-date's regex + a Date per value) and the serializer's
 * Date → string step cost ~8% of a session-listing request's CPU and create garbage per field.
 */

const TIMESTAMPTZ_OID = 1184;

/** `2025-10-01 12:34:56.123456+00` → `2025-10-01T12:34:56.123Z`; anything else via Date. */
export function timestamptzToIso(text: string): string {
  // Fast path: the UTC text form (session TimeZone UTC). Other offsets, BC dates, infinity and
  // years beyond 9999 take pg's own parser, so the output is always what toISOString() gives.
  const n = text.length;
  if (
    n >= 22 &&
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(10) === 32 &&
    text.endsWith('+00') &&
    (n === 22 || text.charCodeAt(19) === 46)
  ) {
    const frac = n === 22 ? '000' : `${text.slice(20, n - 3)}00`.slice(0, 3);
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${frac}Z`;
  }
  const parsed = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text')(text) as unknown;
  return parsed instanceof Date && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : String(parsed);
}

/** Per-query `types` for Db.query: timestamptz as ISO strings, every other type as pg parses it. */
export const ISO_TIMESTAMP_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary'
      ? timestamptzToIso
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};
