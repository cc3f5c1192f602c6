import type { HistogramSummary } from '../result/index.js';
import { HISTOGRAM_RANGES, Histogram } from './histogram.js';

/** What the engine's db tracer hook passes per statement (engine/db query function). */
export interface SqlTraceEvent {
  fingerprint: string;
  sql: string;
  durationMs: number;
  rows: number;
  /** Parent span (e.g. one HTTP request); absent for statements outside any span. */
  spanId?: string | undefined;
}

export interface FingerprintStats {
  fingerprint: string;
  /** First SQL text seen for the fingerprint, for the report. */
  sql: string;
  calls: number;
  rows: number;
  totalMs: number;
  latency: HistogramSummary;
}

export interface NPlusOneHit {
  spanId: string;
  fingerprint: string;
  repeats: number;
}

/** Sentry's N+1 rule: one statement shape repeated at least 5 times under one parent span. */
export const N_PLUS_ONE_MIN_REPEATS = 5;

interface Entry {
  sql: string;
  calls: number;
  rows: number;
  totalMs: number;
  hist: Histogram;
}

/**
 * Aggregates traced statements per fingerprint, and counts statements per parent span so N+1
 * patterns are found by repetition rather than by reading code.
 */
export class SqlFingerprintAggregator {
  private readonly entries = new Map<string, Entry>();
  private readonly spans = new Map<string, Map<string, number>>();
  /** Spans kept for N+1 detection; bounded so a long run cannot grow memory without limit. */
  private readonly maxSpans: number;

  constructor(opts: { maxSpans?: number } = {}) {
    this.maxSpans = opts.maxSpans ?? 100_000;
  }

  /** Pass this as the engine's tracer callback. Bound, so it can be handed over directly. */
  readonly hook = (e: SqlTraceEvent): void => {
    let entry = this.entries.get(e.fingerprint);
    if (entry === undefined) {
      entry = { sql: e.sql, calls: 0, rows: 0, totalMs: 0, hist: new Histogram(HISTOGRAM_RANGES.latencyMs) };
      this.entries.set(e.fingerprint, entry);
    }
    entry.calls++;
    entry.rows += e.rows;
    entry.totalMs += e.durationMs;
    entry.hist.record(e.durationMs);
    if (e.spanId !== undefined) {
      let span = this.spans.get(e.spanId);
      if (span === undefined) {
        if (this.spans.size >= this.maxSpans) return;
        span = new Map();
        this.spans.set(e.spanId, span);
      }
      span.set(e.fingerprint, (span.get(e.fingerprint) ?? 0) + 1);
    }
  };

  /** Per-fingerprint stats, most total time first (where optimisation pays most). */
  stats(): FingerprintStats[] {
    return [...this.entries]
      .map(([fingerprint, e]) => ({
        fingerprint,
        sql: e.sql,
        calls: e.calls,
        rows: e.rows,
        totalMs: e.totalMs,
        latency: e.hist.summarize(),
      }))
      .sort((a, b) => b.totalMs - a.totalMs);
  }

  /** Statements issued under each span, e.g. queries per HTTP request. */
  queriesPerSpan(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [span, fps] of this.spans)
      out.set(
        span,
        [...fps.values()].reduce((a, b) => a + b, 0),
      );
    return out;
  }

  detectNPlusOne(minRepeats = N_PLUS_ONE_MIN_REPEATS): NPlusOneHit[] {
    const hits: NPlusOneHit[] = [];
    for (const [spanId, fps] of this.spans) {
      for (const [fingerprint, repeats] of fps) if (repeats >= minRepeats) hits.push({ spanId, fingerprint, repeats });
    }
    return hits;
  }

  reset(): void {
    this.entries.clear();
    this.spans.clear();
  }
}
