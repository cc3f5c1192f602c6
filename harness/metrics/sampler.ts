import type { RecordableHistogram } from 'node:perf_hooks';
import type { HistogramSummary, TimePoint, TimeSeries } from '../result/index.js';
import { Histogram } from './histogram.js';
import { excludedLoopStalls, startLoopDelayMonitor } from './loop-pause.js';
import { procStatCpuMicros } from './proc-cpu.js';

/** Pool gauges as engine/db reports them; the sampler only calls a function that returns them. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface SamplerOptions {
  /** Sampling period; 250 ms resolves a 1 s outage into several points. */
  intervalMs?: number;
  pool?: () => PoolStats;
  /** Extra gauges sampled each tick, e.g. cost-buffer depth: name -> getter. */
  gauges?: Record<string, () => number>;
}

export const SAMPLER_DEFAULTS = { intervalMs: 250 } as const;

export interface ResourceSamples {
  durationMs: number;
  /** Series: event-loop delay p99 per interval (ms), CPU % of one core, RSS bytes, pool, gauges. */
  series: TimeSeries[];
  /** Whole-run event-loop delay, ms. */
  eventLoopDelay: HistogramSummary;
  /** Per-interval CPU % of one core, whole process: GC, JIT and libuv helper threads included (can pass 100). */
  cpuPercent: HistogramSummary;
  /**
   * Per-interval CPU % of one core used by the main (event-loop) thread alone, the one a saturated
   * generator runs out of; count 0 where the OS does not report per-thread time (Linux does).
   */
  mainThreadCpuPercent: HistogramSummary;
  rssMaxBytes: number;
  /** Deliberate stalls (forced GCs) left out of eventLoopDelay: how many, and their total ms. */
  excludedStalls: { count: number; ms: number };
}

export interface ResourceSampler {
  /** Stops sampling (idempotent) and returns what was collected. */
  stop(): ResourceSamples;
}

const NS_PER_MS = 1e6;
/**
 * CPU time (µs) of the main thread alone. process.cpuUsage() sums every thread, and V8's parallel
 * GC and JIT threads alone took a busy-but-healthy harness past 100 % of a core.
 */
const mainThreadCpuMicros = (): number | undefined => procStatCpuMicros(`/proc/self/task/${process.pid}/stat`);

function loopSummary(h: RecordableHistogram): HistogramSummary {
  // perf_hooks reports nanoseconds; an empty histogram reports min as a huge sentinel.
  const count = h.count;
  const ms = (ns: number): number => (count === 0 || !Number.isFinite(ns) ? 0 : ns / NS_PER_MS);
  return {
    count,
    min: ms(h.min),
    p50: ms(h.percentile(50)),
    p90: ms(h.percentile(90)),
    p95: ms(h.percentile(95)),
    p99: ms(h.percentile(99)),
    max: ms(h.max),
    mean: ms(h.mean),
    stdev: ms(h.stddev),
    unit: 'ms',
  };
}

/**
 * Samples the harness process (and the pool/gauges it is handed) on a timer. Timestamps are ms
 * since start, matching fault marks on the same timeline. The timer is unref'd so a forgotten
 * sampler never keeps a test process alive.
 */
export function startResourceSampler(opts: SamplerOptions = {}): ResourceSampler {
  const intervalMs = opts.intervalMs ?? SAMPLER_DEFAULTS.intervalMs;
  const t0 = performance.now();
  const loopDelay = startLoopDelayMonitor(10);
  const stallsAtStart = excludedLoopStalls();
  const loop: TimePoint[] = [];
  const cpu: TimePoint[] = [];
  const rss: TimePoint[] = [];
  const pool = { total: [] as TimePoint[], idle: [] as TimePoint[], waiting: [] as TimePoint[] };
  const gauges = new Map<string, TimePoint[]>(Object.keys(opts.gauges ?? {}).map((k) => [k, []]));
  const mainCpu: TimePoint[] = [];
  const cpuHist = new Histogram({ unit: 'percent', lowest: 0.01, highest: 10_000, digits: 3 });
  const mainCpuHist = new Histogram({ unit: 'percent', lowest: 0.01, highest: 10_000, digits: 3 });
  let rssMax = 0;
  let lastCpu = process.cpuUsage();
  let lastMainCpu = mainThreadCpuMicros();
  let lastT = t0;

  const tick = (): void => {
    const now = performance.now();
    const t = Math.round(now - t0);
    const interval = loopDelay.interval;
    loop.push({ t, value: interval.count === 0 ? 0 : interval.percentile(99) / NS_PER_MS });
    loopDelay.resetInterval();
    const c = process.cpuUsage(lastCpu);
    const wallUs = (now - lastT) * 1000;
    const pct = wallUs > 0 ? ((c.user + c.system) / wallUs) * 100 : 0;
    cpu.push({ t, value: pct });
    cpuHist.record(pct);
    const main = mainThreadCpuMicros();
    if (main !== undefined && lastMainCpu !== undefined && wallUs > 0) {
      const mainPct = ((main - lastMainCpu) / wallUs) * 100;
      mainCpu.push({ t, value: mainPct });
      mainCpuHist.record(mainPct);
    }
    lastMainCpu = main;
    lastCpu = process.cpuUsage();
    lastT = now;
    const r = process.memoryUsage.rss();
    rssMax = Math.max(rssMax, r);
    rss.push({ t, value: r });
    if (opts.pool !== undefined) {
      const p = opts.pool();
      pool.total.push({ t, value: p.total });
      pool.idle.push({ t, value: p.idle });
      pool.waiting.push({ t, value: p.waiting });
    }
    for (const [name, get] of Object.entries(opts.gauges ?? {})) gauges.get(name)?.push({ t, value: get() });
  };

  const timer = setInterval(tick, intervalMs);
  timer.unref();
  let result: ResourceSamples | undefined;

  return {
    stop(): ResourceSamples {
      if (result !== undefined) return result;
      clearInterval(timer);
      tick();
      loopDelay.stop();
      const stalls = excludedLoopStalls();
      const series: TimeSeries[] = [
        { name: 'event-loop delay p99', unit: 'ms', points: loop },
        { name: 'cpu', unit: 'percent', points: cpu },
        ...(mainCpu.length > 0 ? [{ name: 'main-thread cpu', unit: 'percent' as const, points: mainCpu }] : []),
        { name: 'rss', unit: 'bytes', points: rss },
      ];
      if (opts.pool !== undefined) {
        series.push(
          { name: 'pool total', unit: 'count', points: pool.total },
          { name: 'pool idle', unit: 'count', points: pool.idle },
          { name: 'pool waiting', unit: 'count', points: pool.waiting },
        );
      }
      for (const [name, points] of gauges) series.push({ name, unit: 'count', points });
      result = {
        durationMs: performance.now() - t0,
        series,
        eventLoopDelay: loopSummary(loopDelay.overall),
        cpuPercent: cpuHist.summarize(),
        mainThreadCpuPercent: mainCpuHist.summarize(),
        rssMaxBytes: rssMax,
        excludedStalls: { count: stalls.count - stallsAtStart.count, ms: stalls.ms - stallsAtStart.ms },
      };
      return result;
    },
  };
}
