import type { Unit, Verdict } from '../../result/index.js';

/**
 * A claim restated as a checkable bound. The judge and the `expected` text both read this one
 * value, so what the report says a claim needs is, by construction, what the judge applies.
 *
 * - `range`: the claim's figure or range ("5-10x", "< 10 ms", "~455 MB"); `lo` and/or `hi` are the
 *   audit's own numbers, and a point estimate has `lo === hi`.
 * - `holds`: a yes/no property, measured as 1 (holds) or 0 (does not).
 */
export type Bound = { kind: 'range'; lo?: number; hi?: number } | { kind: 'holds' };

/** A measurement within 20% of an end of the claim still confirms it: noise, not a different answer. */
export const CONFIRM_TOLERANCE = 0.2;
/** Beyond half the low end or twice the high end the claim is off by a factor of two: refuted. */
export const REFUTE_FACTOR = 2;

export const atMost = (hi: number): Bound => ({ kind: 'range', hi });
export const within = (lo: number, hi: number): Bound => ({ kind: 'range', lo, hi });
/** A point estimate ("~455 MB", "5x"): judged as the range [x, x]. */
export const about = (x: number): Bound => ({ kind: 'range', lo: x, hi: x });
export const holds: Bound = { kind: 'holds' };

/** The regions of a range bound: confirmed inside `confirm`, refuted outside `refute`, inconclusive between. */
export interface Edges {
  confirm: readonly [number, number];
  refute: readonly [number, number];
}

export function edges(b: Extract<Bound, { kind: 'range' }>): Edges {
  return {
    confirm: [
      b.lo === undefined ? -Infinity : b.lo * (1 - CONFIRM_TOLERANCE),
      b.hi === undefined ? Infinity : b.hi * (1 + CONFIRM_TOLERANCE),
    ],
    refute: [b.lo === undefined ? -Infinity : b.lo / REFUTE_FACTOR, b.hi === undefined ? Infinity : b.hi * REFUTE_FACTOR],
  };
}

export function judge(b: Bound, v: number): Verdict {
  if (b.kind === 'holds') return v >= 1 ? 'confirmed' : 'refuted';
  const e = edges(b);
  if (v >= e.confirm[0] && v <= e.confirm[1]) return 'confirmed';
  if (v < e.refute[0] || v > e.refute[1]) return 'refuted';
  return 'inconclusive';
}

/**
 * "queries per page: claim 5..10; confirmed 4..12, refuted below 2.5 or above 20". Generated, never
 * written by hand (claims.test.ts probes the judge at every number this prints).
 */
export function expectedText(measure: string, b: Bound, unit: Unit): string {
  if (b.kind === 'holds') return `${measure}: confirmed if 1 (holds), refuted if 0`;
  const f = (x: number): string => fmtBound(x, unit);
  const range = (lo: number, hi: number): string => fmtRange(f(lo), f(hi));
  const e = edges(b);
  const claim =
    b.lo === b.hi && b.lo !== undefined
      ? `~${f(b.lo)}`
      : b.lo === undefined
        ? `<= ${f(b.hi ?? Infinity)}`
        : b.hi === undefined
          ? `>= ${f(b.lo)}`
          : range(b.lo, b.hi);
  const confirm =
    b.lo === undefined ? `<= ${f(e.confirm[1])}` : b.hi === undefined ? `>= ${f(e.confirm[0])}` : range(e.confirm[0], e.confirm[1]);
  // A share cannot pass 100%: "refuted above 160%" would be true of the judge and meaningless to a reader.
  const above = b.hi !== undefined && !(unit === 'percent' && e.refute[1] >= 100);
  const refute = [b.lo === undefined ? '' : `below ${f(e.refute[0])}`, above ? `above ${f(e.refute[1])}` : '']
    .filter((x) => x !== '')
    .join(' or ');
  return `${measure}: claim ${claim}; confirmed ${confirm}${refute === '' ? '' : `, refuted ${refute}`}`;
}

/** "40..240 ms": an interval in the unit the bound's text uses. */
export function fmtBoundRange(lo: number, hi: number, unit: Unit): string {
  return fmtRange(fmtBound(lo, unit), fmtBound(hi, unit));
}

/** "40 ms".."240 ms" -> "40..240 ms": the unit once when both ends share it. */
function fmtRange(lo: string, hi: string): string {
  const unit = /[^\d.,]*$/.exec(hi)?.[0] ?? '';
  return unit !== '' && lo.endsWith(unit) && !unit.startsWith('$') ? `${lo.slice(0, -unit.length)}..${hi}` : `${lo}..${hi}`;
}

/** Four significant digits at most (every edge of a bound prints exactly), with the unit the audit used (decimal KB/MB, as in 65 KB x 7,000 = 455 MB). */
export function fmtBound(x: number, unit: Unit): string {
  const n = (v: number): string => Number(v.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 3 });
  switch (unit) {
    case 'bytes':
      return x >= 1e6 ? `${n(x / 1e6)} MB` : x >= 1e3 ? `${n(x / 1e3)} KB` : `${n(x)} B`;
    case 'ratio':
      return `${n(x)}x`;
    case 'percent':
      return `${n(x)}%`;
    case 'usd':
      return `$${n(x)}`;
    case 'count':
      return n(x);
    default:
      return `${n(x)} ${unit}`;
  }
}
