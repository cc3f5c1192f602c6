/**
 * COPY text-format encoding. Pool values are escaped once when the pools are built, so the
 * per-row path only concatenates.
 */

/** NULL in COPY text format. */
export const NULL = '\\N';

/** Escapes backslash, tab, newline and carriage return for COPY text format. */
export function copyEscape(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r')) : value;
}

/** A JSON string literal (with quotes) ready to embed in a COPY-escaped JSON document. */
export function jsonString(value: string): string {
  return copyEscape(JSON.stringify(value));
}

/** ISO-8601 UTC timestamp; PostgreSQL parses it for timestamptz. */
export function ts(ms: number): string {
  return new Date(ms).toISOString();
}

/** A calendar date (YYYY-MM-DD) in UTC. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Money is carried as integer units of 1e-8 USD (numeric(12,8)) so sums are exact and the same
 * in JS and SQL.
 */
export const MONEY_SCALE = 100_000_000;

export function units(usd: number): number {
  return Math.round(usd * MONEY_SCALE);
}

/** Units of 1e-8 formatted with `decimals` places, rounded half up like PostgreSQL's round(). */
export function money(u: number, decimals: 8 | 4): string {
  const step = 10 ** (8 - decimals);
  const q = decimals === 8 ? u : Math.floor((u + step / 2) / step);
  const scale = 10 ** decimals;
  return `${Math.floor(q / scale)}.${String(q % scale).padStart(decimals, '0')}`;
}
