import type { Engine } from '../../../engine/index.js';
import { buildCapacityModel, toCapacityLevel, uslThroughput } from '../../../harness/capacity/index.js';
import { peakOverlap } from '../../../harness/metrics/index.js';
import type { CapacityLevel, CapacityModel } from '../../../harness/result/index.js';
import { fmtMs } from '../llm-mock/index.js';
import type { LevelLimits } from './sweep.js';
import { subProblemMix, type SubProblemMix } from './subproblem-draw.js';

/** A sweep without provider limits, as C26-C28 and C30 read it. */
export interface ClaimsSweep {
  label: string;
  variant: string;
  levels: readonly LevelLimits[];
  engine: Engine;
  timeScale: number;
}

/** A figure at the cap and how it was obtained (measured, or which projection). */
export interface AtCap {
  value: number | null;
  how: string;
}

/** What the claims need from one sweep, in real time. */
export interface SweepFigures {
  sweep: ClaimsSweep;
  levels: CapacityLevel[];
  model: CapacityModel;
  top: CapacityLevel | undefined;
  mix: SubProblemMix;
  /** Sessions/s at the cap. */
  throughput: AtCap;
  /** Sessions/day at the knee below the cap, else at the cap. */
  perDay: AtCap;
  /** Peak in-flight LLM calls per level, and at the cap. */
  inflight: { n: number; peak: number }[];
  inflightAtCap: AtCap;
  /** "5: 0.04/s, p50 90.1 s; ..." */
  levelRows: string;
  /** Session p50 (real) by executed sub-problem count at the top level. */
  p50BySubProblems: string;
  cpu: { n: number; percent: number }[];
}

/** Closed-model levels in real time: throughput x s, latencies / s (every mock delay was multiplied by s). */
function realLevels(levels: readonly LevelLimits[], s: number): CapacityLevel[] {
  return levels.map(({ run }) => {
    const l = toCapacityLevel(run.concurrency, run.raw, 'sessions/s');
    return {
      ...l,
      throughput: l.throughput * s,
      latencyP50Ms: l.latencyP50Ms / s,
      latencyP95Ms: l.latencyP95Ms / s,
      ...(l.latencyP99Ms === undefined ? {} : { latencyP99Ms: l.latencyP99Ms / s }),
      ...(l.latencyMeanMs === undefined ? {} : { latencyMeanMs: l.latencyMeanMs / s }),
    };
  });
}

/**
 * Sessions/s at the cap: measured when a level is the cap; else the USL fit extrapolated to it
 * (the optimized sweep's method, which needs 3 levels); else, with fewer levels, Little's law at
 * the top level (cap / mean session time there, as C47 projects). Both projections say so.
 */
function throughputAtCap(levels: readonly CapacityLevel[], model: CapacityModel, cap: number): AtCap {
  const at = levels.find((l) => l.concurrency === cap);
  if (at !== undefined) return { value: at.throughput, how: `measured at ${cap} concurrent sessions` };
  const ns = levels.map((l) => l.concurrency).join(', ');
  if (model.usl !== null) {
    return {
      value: uslThroughput(cap, model.usl),
      how: `PROJECTION (USL fit extrapolated to ${cap} from levels ${ns}; not measured at ${cap} in this profile, and a fit cannot see a limit the sweep did not reach)`,
    };
  }
  const top = levels[levels.length - 1];
  const meanMs = top?.latencyMeanMs;
  if (top === undefined || meanMs === undefined || !(meanMs > 0)) return { value: null, how: 'not measured: no completed session' };
  return {
    value: (cap / meanMs) * 1_000,
    how:
      `PROJECTION by Little's law: cap ${cap} / mean session ${(meanMs / 1_000).toFixed(1)} s (real) at ${top.concurrency} concurrent sessions ` +
      `(levels ${ns}: fewer than the 3 a USL fit needs, the optimized sweep's projection; not measured at ${cap}, and session time growing with load would lower it)`,
  };
}

/** Peak in-flight Anthropic calls per level, from the wire intervals of the cost records (sweepVariant flushed them). */
async function inflightPerLevel(w: ClaimsSweep): Promise<{ n: number; peak: number }[]> {
  const rows = await w.engine.db.query<{ end_ms: string; latency_ms: number }>(
    `SELECT (extract(epoch FROM created_at) * 1000)::float8 AS end_ms, latency_ms FROM api_costs WHERE provider = 'anthropic' AND latency_ms IS NOT NULL`,
    [],
    { name: 'capacity.inflight' },
  );
  const intervals = rows.rows.map((x) => ({ start: Number(x.end_ms) - x.latency_ms, end: Number(x.end_ms) }));
  return w.levels.map(({ run }) => ({ n: run.concurrency, peak: peakOverlap(intervals, run.startEpochMs, run.endEpochMs) }));
}

function p50(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Everything C26-C28 and C30 say about one sweep, each figure at the cap with how it was obtained. */
export async function sweepFigures(w: ClaimsSweep, cap: number): Promise<SweepFigures> {
  const s = w.timeScale;
  const levels = realLevels(w.levels, s);
  const model = buildCapacityModel('capacity', levels);
  const top = levels[levels.length - 1];
  const throughput = throughputAtCap(levels, model, cap);
  const kneeBelowCap = model.knee !== null && model.knee.concurrency < (top?.concurrency ?? 0) && model.knee.concurrency < cap;
  const perDay: AtCap =
    kneeBelowCap && model.knee !== null
      ? { value: model.knee.throughput * 86_400, how: `at the knee (${model.knee.concurrency} concurrent, ${model.knee.method})` }
      : {
          value: throughput.value === null ? null : throughput.value * 86_400,
          how: `at the cap (no knee below it: throughput still rose with concurrency; ${throughput.how})`,
        };
  const inflight = await inflightPerLevel(w);
  const topInflight = inflight[inflight.length - 1];
  const atCap = inflight.find((f) => f.n === cap);
  const inflightAtCap: AtCap =
    atCap !== undefined
      ? { value: atCap.peak, how: `measured at ${cap} sessions` }
      : topInflight === undefined || topInflight.n === 0
        ? { value: null, how: 'not measured' }
        : {
            value: (topInflight.peak / topInflight.n) * cap,
            how: `${topInflight.peak} at ${topInflight.n} sessions x ${cap}/${topInflight.n} (linear scaling, not measured at ${cap})`,
          };
  const topRun = w.levels[w.levels.length - 1]?.run;
  const byCount = new Map<number, number[]>();
  for (const sh of topRun?.shapes ?? []) byCount.set(sh.subProblems, [...(byCount.get(sh.subProblems) ?? []), sh.durationMs / s]);
  return {
    sweep: w,
    levels,
    model,
    top,
    mix: subProblemMix(w.levels.flatMap((l) => l.run.shapes)),
    throughput,
    perDay,
    inflight,
    inflightAtCap,
    levelRows: levels.map((l) => `${l.concurrency}: ${l.throughput.toFixed(3)}/s, p50 ${fmtMs(l.latencyP50Ms)}`).join('; '),
    p50BySubProblems: [...byCount]
      .sort((a, b) => a[0] - b[0])
      .map(([k, ds]) => `${k}: ${fmtMs(p50(ds))} (${ds.length})`)
      .join(', '),
    cpu: w.levels.map(({ run }) => ({ n: run.concurrency, percent: run.cpuPercent })),
  };
}
