/**
 * COPY text-format encoding. Pool values are escaped once when the pools are built, so the
 * per-row path only concatenates.
 */

/** NULL in COPY text format. */
export const NULL = '\\N';

/** Escapes backslash, tab, newline and carriage return for COPY text format. */
export function copyEscape(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'))
    : value;
}

/** A JSON string literal (with quotes) ready to embed in a COPY-escaped JSON document. */
export function jsonString(value: string): string {
  return copyEscape(JSON.stringify(value));
}

const DAY_MS = 86_400_000;
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let cachedDay = Number.NaN;
let cachedPrefix = '';

/**
 * ISO-8601 UTC timestamp (the exact text of `new Date(ms).toISOString()`); PostgreSQL parses it
 * for timestamptz. Built from a per-day prefix and lookup tables: `toISOString` was ~20 % of the
 * api_costs generation CPU, and consecutive rows mostly fall on the same day.
 */
export function ts(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let r = ms - day * DAY_MS;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const s = Math.floor(r / 1_000);
  return `${cachedPrefix}${PAD2[h] as string}:${PAD2[m] as string}:${PAD2[s] as string}.${PAD3[r - s * 1_000] as string}Z`;
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
