/** One level of a sweep as C32 reads it: concurrency and the DB statement p95 there. */
export interface P95Level {
  concurrency: number;
  p95Ms: number;
}

/** Where the p95 first reached `factor` x its value at the lowest level, or why it could not be told. */
export type Doubling =
  | { kind: 'doubled'; at: number; baseMs: number; p95Ms: number }
  | { kind: 'not-reached'; upTo: number; baseMs: number }
  | { kind: 'no-levels' };

/**
 * The lowest level whose statement p95 is at least `factor` x the lowest level's. Levels are taken
 * in concurrency order; a level with no statements (p95 0) cannot be a baseline, so none is found.
 */
export function firstDoubling(levels: readonly P95Level[], factor = 2): Doubling {
  const sorted = [...levels].sort((a, b) => a.concurrency - b.concurrency);
  const base = sorted[0];
  const top = sorted[sorted.length - 1];
  if (base === undefined || top === undefined || !(base.p95Ms > 0)) return { kind: 'no-levels' };
  const hit = sorted.slice(1).find((l) => l.p95Ms >= factor * base.p95Ms);
  return hit === undefined
    ? { kind: 'not-reached', upTo: top.concurrency, baseMs: base.p95Ms }
    : { kind: 'doubled', at: hit.concurrency, baseMs: base.p95Ms, p95Ms: hit.p95Ms };
}

/**
 * The value to judge. A doubling is a point. "Not reached up to N" is only a lower bound: it can
 * be judged when every value above N gets the same verdict as N (`judgeAbove` says so, e.g. N is
 * already past the claim's refute edge); otherwise there is no honest point and the value is null.
 */
export function doublingValue(d: Doubling, judgeAbove: (n: number) => boolean): number | null {
  if (d.kind === 'doubled') return d.at;
  if (d.kind === 'not-reached' && judgeAbove(d.upTo)) return d.upTo;
  return null;
}
