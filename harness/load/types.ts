import type { HistogramSummary, TimeSeries } from '../result/index.js';
import type { Histogram } from '../metrics/index.js';

/** One operation of a load run. `i` is its sequence number; honour `signal` to stop early. */
export type LoadOp = (i: number, signal: AbortSignal) => Promise<void>;

export interface LoadResult {
  model: 'open' | 'closed';
  /** Wall time from the first scheduled start to the last completion, ms. */
  durationMs: number;
  /** Operations started (open model: excluding dropped). */
  started: number;
  ok: number;
  /** Failed operations by error code (LoadlabError.code, Node's err.code, or the error name). */
  errors: Record<string, number>;
  /** Open model only: starts skipped because max-in-flight was reached. */
  dropped: number;
  /** Completed (ok + error) per second over `durationMs`. */
  throughput: number;
  /**
   * Open model: from each op's intended start (no coordinated omission).
   * Closed model: from the actual start.
   */
  latency: HistogramSummary;
  /** Open model: from the actual start, to show how much was queueing in the generator. */
  serviceTime: HistogramSummary;
  /** Per-window throughput, error rate and p95, aligned with fault marks (t = ms since t0). */
  series: TimeSeries[];
  /** The raw histograms, for merging across repeats or workers. */
  histograms: { latency: Histogram; serviceTime: Histogram };
}

/** Error classification shared by drivers: a stable code, never the message (style.md §5). */
export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (typeof code === 'number') return String(code);
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'Error';
}
