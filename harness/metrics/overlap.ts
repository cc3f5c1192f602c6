/** Peak number of overlapping [start, end] intervals inside a window (any time unit); an end and a start at the same instant do not overlap. */
export function peakOverlap(intervals: readonly { start: number; end: number }[], from: number, to: number): number {
  const edges = intervals
    .filter((i) => i.end >= from && i.start <= to)
    .flatMap((i) => [
      { t: i.start, d: 1 },
      { t: i.end, d: -1 },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const e of edges) {
    cur += e.d;
    max = Math.max(max, cur);
  }
  return max;
}
