import type { CapacityLevel, Unit } from '../result/index.js';
import { runClosedModel } from '../load/index.js';
import type { LoadOp, LoadResult } from '../load/index.js';

export interface SweepOptions {
  /** Concurrency levels, e.g. [1, 2, 4, 8, 16, 32]. */
  levels: readonly number[];
  /** Measured time per level. */
  durationMs: number;
  /** Unmeasured run before each level so pools and caches are warm. */
  warmupMs?: number;
  op: LoadOp;
  throughputUnit?: Unit;
  thinkTimeMs?: number;
  signal?: AbortSignal;
  /** Called after each level (progress events for the CLI). */
  onLevel?: (level: CapacityLevel, raw: LoadResult) => void;
}

export function toCapacityLevel(concurrency: number, r: LoadResult, throughputUnit: Unit = 'ops/s'): CapacityLevel {
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  return {
    concurrency,
    // Only successful completions count as capacity; errors are reported beside it.
    throughput: (r.ok * 1000) / r.durationMs,
    throughputUnit,
    latencyP50Ms: r.latency.p50,
    latencyP95Ms: r.latency.p95,
    latencyP99Ms: r.latency.p99,
    latencyMeanMs: r.latency.mean,
    errors,
    completed: r.ok,
  };
}

/** Runs the closed-model driver at each concurrency level in turn and returns one level each. */
export async function runConcurrencySweep(opts: SweepOptions): Promise<CapacityLevel[]> {
  const out: CapacityLevel[] = [];
  for (const n of opts.levels) {
    if (opts.signal?.aborted === true) break;
    const base = {
      concurrency: n,
      op: opts.op,
      ...(opts.thinkTimeMs === undefined ? {} : { thinkTimeMs: opts.thinkTimeMs }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    };
    if (opts.warmupMs !== undefined && opts.warmupMs > 0) await runClosedModel({ ...base, durationMs: opts.warmupMs });
    const r = await runClosedModel({ ...base, durationMs: opts.durationMs });
    const level = toCapacityLevel(n, r, opts.throughputUnit);
    out.push(level);
    opts.onLevel?.(level, r);
  }
  return out;
}
