import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../internal/context.js';

interface Probe {
  ok: boolean;
  latency_ms: number;
  error?: string;
}

/** Resolves with the probe's outcome; a hung dependency counts as down after `ms`. */
async function probe(ms: number, fn: () => Promise<unknown>): Promise<Probe> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
    return { ok: true, latency_ms: round(performance.now() - t0) };
  } catch (err) {
    return { ok: false, latency_ms: round(performance.now() - t0), error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** Public operational routes: /api/health, /metrics (Prometheus), /api/docs/json (OpenAPI). */
export function registerSystemRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;
  const startedAt = Date.now();

  app.get(
    '/api/health',
    {
      schema: { tags: ['system'], summary: 'PostgreSQL, Redis, pool and cost-buffer state; 503 when PostgreSQL is down' },
    },
    async (_request, reply) => {
      const timeout = ctx.settings.healthTimeoutMs;
      const retryKey = `${engine.config.redisKeyPrefix}${engine.config.costs.retryQueueKey}`;
      const redisReady = engine.redis.status === 'ready';
      const [postgres, redis] = await Promise.all([
        probe(timeout, () => engine.db.query('SELECT 1', [], { name: 'health.ping' })),
        redisReady
          ? probe(timeout, () => engine.redis.ping())
          : Promise.resolve<Probe>({ ok: false, latency_ms: 0, error: `redis ${engine.redis.status}` }),
      ]);
      let retryQueueLength: number | null = null;
      if (redis.ok) retryQueueLength = await engine.redis.llen(retryKey).catch(() => null);
      const pool = engine.db.metrics();
      const costs = engine.costs.accounting();
      const buffer = engine.costs.bufferStats();
      const m = engine.metrics();
      const status = !postgres.ok ? 'down' : redis.ok ? 'ok' : 'degraded';
      return reply.code(postgres.ok ? 200 : 503).send({
        status,
        variant: engine.config.variant,
        uptime_s: Math.round((Date.now() - startedAt) / 1000),
        postgres,
        redis,
        pool: { total: pool.total, idle: pool.idle, waiting: pool.waiting, max: pool.max, acquire_wait_p99_ms: pool.acquireWaitMs.p99 },
        cost_buffer: {
          depth: costs.buffered,
          retry_queue_depth: costs.queued,
          retry_queue_length: retryQueueLength,
          last_flush: new Date(buffer.lastFlushTime).toISOString(),
          seconds_since_flush: round(buffer.secondsSinceFlush),
          evicted: costs.evicted,
          generated: costs.generated,
          persisted: costs.persisted,
        },
        events: m.events,
        sessions: m.sessions,
        sse_streams: ctx.streams.size,
      });
    },
  );

  app.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const body = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(body);
  });

  app.get('/api/docs/json', { schema: { hide: true } }, async () => app.swagger());
}
