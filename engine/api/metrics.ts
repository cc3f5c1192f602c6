import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Engine } from '../engine.js';

/** Counters the API itself feeds (the rest is read from the engine at scrape time). */
export interface ApiMetrics {
  readonly registry: Registry;
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  cache(cache: string, hit: boolean, n?: number): void;
  /** One LLM call's latency by model (fed by engine.llm.client.onCall, wired in server.ts). */
  observeLlm(model: string, seconds: number): void;
  sseOpened(): void;
  sseClosed(): void;
}

// Buckets from 1 ms: the hot listing answers in a few ms, SSE-less routes rarely pass 1 s.
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LLM_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * A prom-client Registry per app (never the global one), so tests can build many apps in one
 * process. Engine state (pool, cost buffer, LLM call counts) is read in `collect` at scrape time.
 */
export function createApiMetrics(engine: Engine): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

  const http = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route (route template, not the raw URL)',
    labelNames: ['method', 'route', 'status_code'],
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const cacheRequests = new Counter({
    name: 'cache_requests_total',
    help: 'Cache lookups by cache and result (hit/miss)',
    labelNames: ['cache', 'result'],
    registers: [registry],
  });
  const llmLatency = new Histogram({
    name: 'llm_call_duration_seconds',
    help: 'LLM call latency by model',
    labelNames: ['model'],
    buckets: LLM_BUCKETS,
    registers: [registry],
  });
  const sse = new Gauge({ name: 'sse_streams_open', help: 'Open SSE streams', registers: [registry] });

  const pool = (name: string, help: string, pick: (m: ReturnType<Engine['db']['metrics']>) => number): Gauge =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(engine.db.metrics()));
      },
    });
  pool('db_pool_connections_total', 'PostgreSQL pool: open connections', (m) => m.total);
  pool('db_pool_connections_idle', 'PostgreSQL pool: idle connections', (m) => m.idle);
  pool('db_pool_waiting_requests', 'PostgreSQL pool: callers waiting for a connection', (m) => m.waiting);
  pool('db_pool_connections_max', 'PostgreSQL pool: configured maximum', (m) => m.max);
  pool('db_pool_acquire_wait_p99_seconds', 'PostgreSQL pool: p99 wait for a connection since start', (m) => m.acquireWaitMs.p99 / 1000);

  const costGauge = (name: string, help: string, pick: () => number): Gauge =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick());
      },
    });
  costGauge('cost_buffer_depth', 'Cost records buffered in memory', () => engine.costs.accounting().buffered);
  costGauge('cost_retry_queue_depth', 'Own cost records waiting in the Redis retry queue', () => engine.costs.accounting().queued);
  costGauge('cost_records_evicted', 'Cost records dropped (DB and Redis down, buffer full)', () => engine.costs.accounting().evicted);
  costGauge('cost_records_generated', 'Cost records generated since start', () => engine.costs.accounting().generated);
  costGauge('cost_records_persisted', 'Cost records confirmed in api_costs', () => engine.costs.accounting().persisted);
  costGauge('cost_last_flush_timestamp_seconds', 'Unix time of the last cost flush', () => engine.costs.bufferStats().lastFlushTime / 1000);

  // Counters that mirror engine totals: add the difference since the last scrape.
  const seen = new Map<string, number>();
  new Counter({
    name: 'llm_calls_total',
    help: 'LLM calls by model',
    labelNames: ['model'],
    registers: [registry],
    collect() {
      for (const [model, total] of Object.entries(engine.llm.client.stats().callsByModel)) {
        const delta = total - (seen.get(model) ?? 0);
        if (delta > 0) this.inc({ model }, delta);
        seen.set(model, total);
      }
    },
  });

  // The engine's own caches (session metadata, user context, aggregation, LLM, persona) keep
  // running totals; expose them as-is at scrape time.
  new Gauge({
    name: 'engine_cache_lookups',
    help: 'Engine cache lookups since start by cache and result (hit/miss/error/fallback)',
    labelNames: ['cache', 'result'],
    registers: [registry],
    collect() {
      for (const [cache, c] of Object.entries(engine.caches.counters())) {
        this.set({ cache, result: 'hit' }, c.hits);
        this.set({ cache, result: 'miss' }, c.misses);
        this.set({ cache, result: 'error' }, c.errors);
        this.set({ cache, result: 'fallback' }, c.fallbacks);
      }
    },
  });

  return {
    registry,
    observeHttp: (method, route, status, seconds) => http.observe({ method, route, status_code: String(status) }, seconds),
    cache: (cache, hit, n = 1) => {
      if (n > 0) cacheRequests.inc({ cache, result: hit ? 'hit' : 'miss' }, n);
    },
    observeLlm: (model, seconds) => llmLatency.observe({ model }, seconds),
    sseOpened: () => sse.inc(),
    sseClosed: () => sse.dec(),
  };
}
