/**
 * Number formatting shared by every renderer. Formatting only: values are shown in the unit they
 * were stored in, scaled to a readable prefix (ms -> s, bytes -> KB/MB), never recomputed.
 */
import type { Spread, Unit } from '../../harness/result/index.js';

const formatters = new Map<number, Intl.NumberFormat>();

function withDigits(digits: number): Intl.NumberFormat {
  let f = formatters.get(digits);
  if (f === undefined) {
    // en-US regardless of the machine's locale, so reports are byte-identical across runners.
    f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    formatters.set(digits, f);
  }
  return f;
}

/** Three significant figures for small numbers, thousands separators for large ones. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : x > 0 ? '∞' : '-∞';
  const a = Math.abs(x);
  const digits = a === 0 || a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : a >= 0.01 ? 3 : 4;
  return withDigits(digits).format(x);
}

const BYTE_STEPS: [number, string][] = [
  [1e9, 'GB'],
  [1e6, 'MB'],
  [1e3, 'KB'],
];

/** A value with its unit, e.g. "1.16 ms", "30.1 s", "41.8 KB", "37.9%", "15.3x". */
export function fmtValue(value: number | null, unit: Unit): string {
  if (value === null) return 'missing';
  switch (unit) {
    case 'ms':
      return Math.abs(value) >= 10_000 ? `${num(value / 1000)} s` : `${num(value)} ms`;
    case 'us':
      return `${num(value)} µs`;
    case 's':
      return `${num(value)} s`;
    case 'bytes': {
      // Decimal prefixes, as the 2025-12-22 audit uses them ("65 KB per session").
      const step = BYTE_STEPS.find(([size]) => Math.abs(value) >= size);
      return step === undefined ? `${num(value)} B` : `${num(value / step[0])} ${step[1]}`;
    }
    case 'count':
      return num(value);
    case 'percent':
      return `${num(value)}%`;
    case 'ratio':
      return `${num(value)}x`;
    case 'usd':
      return `$${num(value)}`;
    default:
      return `${num(value)} ${unit}`;
  }
}

/** The number alone (no unit), for table columns whose header carries the unit. */
export function fmtBare(value: number, unit: Unit): string {
  return unit === 'ms' || unit === 'us' || unit === 's' ? num(value) : fmtValue(value, unit);
}

/** "95% bootstrap CI 4.81–5.02 (n=1,000 resamples)", "range 35.1–40.2% over 3 repeats". */
export function fmtSpread(spread: Spread, unit: Unit): string {
  const range = `${fmtValue(spread.low, unit)}–${fmtValue(spread.high, unit)}`;
  const level = spread.confidence === undefined ? '' : `${num(spread.confidence * 100)}% `;
  switch (spread.method) {
    case 'bootstrap':
      return `${level}bootstrap CI ${range} (n=${num(spread.n)} resamples)`;
    case 'mann-whitney':
      return `${level}Mann-Whitney interval ${range} (n=${num(spread.n)})`;
    case 'min-max':
      return `range ${range} over ${num(spread.n)} repeats`;
    case 'iqr':
      return `IQR ${range} (n=${num(spread.n)})`;
    case 'stdev':
      return `±1 stdev ${range} (n=${num(spread.n)})`;
    case 'order-statistic':
      return `${level}order-statistic interval ${range} (n=${num(spread.n)} samples, widened to the per-round range where that is wider)`;
  }
}

/** Milliseconds of wall time as "4 min 8 s" / "21.8 s". */
export function fmtDuration(ms: number): string {
  if (ms < 60_000) return `${num(ms / 1000)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}
