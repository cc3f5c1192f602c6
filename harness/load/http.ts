import autocannon from 'autocannon';
import type { HistogramSummary } from '../result/index.js';
import { HISTOGRAM_RANGES, Histogram } from '../metrics/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';

export interface HttpLoadOptions {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  /** Length of the run; ignored when `amount` is set. */
  durationSec?: number;
  /** Total requests instead of a duration. */
  amount?: number;
  /**
   * Fixed request rate across all connections. With it, each late response back-fills the
   * requests its connection could not send (coordinated-omission correction).
   */
  overallRate?: number;
  timeoutSec?: number;
  signal?: AbortSignal;
}

export const HTTP_LOAD_DEFAULTS = { connections: 10, durationSec: 10, timeoutSec: 10 } as const;

export interface HttpLoadResult {
  url: string;
  durationMs: number;
  requests: number;
  /** Latency of every response (not only 2xx), ms, from our own HDR histogram (p95 included). */
  latency: HistogramSummary;
  statusCodes: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  throughput: { requestsPerSec: number; bytesPerSec: number };
  /**
   * autocannon's own figures (whole milliseconds; with `overallRate` its coordinated-omission fill
   * uses a 1 ms interval, see autocannon-cli.ts, so they are not comparable with `latency`).
   */
  autocannon: { latencyP50: number; latencyP99: number; requestsAverage: number };
  /** The raw histogram behind `latency`, for merging windows into a Recorder histogram. */
  histograms: { latency: Histogram };
}

/** autocannon with its result mapped onto harness/metrics shapes (style.md §8: plain data out). */
export async function runHttpLoad(opts: HttpLoadOptions): Promise<HttpLoadResult> {
  const connections = Math.max(
    1,
    Math.min(opts.connections ?? HTTP_LOAD_DEFAULTS.connections, opts.overallRate ?? Number.POSITIVE_INFINITY),
  );
  const hist = new Histogram(HISTOGRAM_RANGES.latencyMs);
  // Each connection is meant to send one request every connections/overallRate seconds.
  const expectedMs = opts.overallRate === undefined ? 0 : (connections * 1000) / opts.overallRate;
  const t0 = performance.now();
  const acOpts: autocannon.Options = {
    url: opts.url,
    method: opts.method ?? 'GET',
    connections,
    timeout: opts.timeoutSec ?? HTTP_LOAD_DEFAULTS.timeoutSec,
    ...(opts.headers === undefined ? {} : { headers: opts.headers }),
    ...(opts.body === undefined ? {} : { body: opts.body }),
    ...(opts.amount === undefined ? { duration: opts.durationSec ?? HTTP_LOAD_DEFAULTS.durationSec } : { amount: opts.amount }),
    ...(opts.overallRate === undefined ? {} : { overallRate: opts.overallRate }),
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    // The callback form returns the instance, which is the only typed way to get 'response' events.
    const instance = autocannon(acOpts, (err: unknown, res: autocannon.Result) => {
      opts.signal?.removeEventListener('abort', stop);
      if (err !== null && err !== undefined) {
        reject(new LoadlabError(HARNESS_ERRORS.LOAD_GENERATOR_FAILED, `autocannon failed for ${opts.url}`, { cause: err }));
      } else resolve(res);
    });
    const stop = (): void => instance.stop();
    opts.signal?.addEventListener('abort', stop, { once: true });
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (expectedMs > 0) hist.recordCorrected(responseTime, expectedMs);
      else hist.record(responseTime);
    });
  });
  // autocannon's own start/finish exclude our setup; fall back to wall time if absent.
  const span = result.finish instanceof Date && result.start instanceof Date ? result.finish.getTime() - result.start.getTime() : 0;
  const durationMs = span > 0 ? span : performance.now() - t0;
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (s as { count: number }).count;
  const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    url: opts.url,
    durationMs,
    requests,
    latency: hist.summarize(),
    statusCodes,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    throughput: { requestsPerSec: (requests * 1000) / durationMs, bytesPerSec: result.throughput.average },
    autocannon: { latencyP50: result.latency.p50, latencyP99: result.latency.p99, requestsAverage: result.requests.average },
    histograms: { latency: hist },
  };
}
