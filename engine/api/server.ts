import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import Fastify, { type FastifyInstance, type RouteHandlerMethod } from 'fastify';
import { withSpan } from '../db/index.js';
import type { Engine } from '../engine.js';
import { silentLogger, type Logger } from '../log/index.js';
import { Authenticator } from './auth.js';
import { API_DEFAULTS, type ApiSettings, type RateLimitSettings } from './defaults.js';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandlers } from './errors.js';
import type { RouteContext } from './internal/context.js';
import { SessionMetadata } from './internal/metadata.js';
import { StreamRegistry } from './internal/sse.js';
import { createApiMetrics, type ApiMetrics } from './metrics.js';
import { RateLimiter, type RateBucket } from './rate-limit.js';
import { registerActionRoutes } from './routes/actions.js';
import { registerContextRoutes } from './routes/context.js';
import { registerCostRoutes } from './routes/costs.js';
import { registerSessionRoutes } from './routes/sessions.js';
import { registerStreamRoutes } from './routes/streams.js';
import { registerSystemRoutes } from './routes/system.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route requires a bearer token (every /api/v1 route). */
    auth?: boolean;
    /** Rate-limit bucket of the route (default `default`). */
    bucket?: RateBucket;
  }
}

/** Any subset of the API settings; rateLimit merges key by key. */
export type ApiSettingsInput = Partial<Omit<ApiSettings, 'rateLimit'>> & { rateLimit?: Partial<RateLimitSettings> };

export interface ApiServerOptions {
  logger?: Logger;
  settings?: ApiSettingsInput;
}

/** The Fastify app plus what callers (serve, tests, bench) need next to it. */
export interface ApiServer {
  readonly app: FastifyInstance;
  readonly settings: Readonly<ApiSettings>;
  readonly metrics: ApiMetrics;
  /** Ends open SSE streams and closes the HTTP server (in-flight requests finish); the engine stays open. */
  close(): Promise<void>;
}

// A client-supplied request id is kept when it is short and plain, so a load generator can
// correlate its own requests with the engine's query traces (span = request id).
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

// Bodies at least this long (UTF-16 units) are sent as a Buffer; see the onSend hook.
const BUFFER_BODY_CHARS = 16_384;

export function resolveApiSettings(input: ApiSettingsInput = {}): Readonly<ApiSettings> {
  const { rateLimit, ...rest } = input;
  return Object.freeze({ ...API_DEFAULTS, ...rest, rateLimit: Object.freeze({ ...API_DEFAULTS.rateLimit, ...rateLimit }) });
}

/**
 * Builds the HTTP API on an engine (bo1 routes, §4.1/§7.3). Every statement a request causes runs
 * inside `withSpan(request.id)`, so the engine's query tracer can count queries per request.
 */
export async function createApiServer(engine: Engine, options: ApiServerOptions = {}): Promise<ApiServer> {
  const log = options.logger ?? silentLogger();
  const settings = resolveApiSettings(options.settings);
  const app = Fastify({
    logger: false,
    bodyLimit: settings.bodyLimitBytes,
    requestIdHeader: false,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    },
  });

  // Bodies are validated strictly (a number is not a string); query strings and params are
  // strings on the wire, so those are coerced. Unknown properties are rejected, not stripped.
  const strict = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  const coercing = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));

  // An empty JSON body (curl -X POST -H 'content-type: application/json' …/start) means "no body".
  const json = app.getDefaultJsonParser('error', 'error');
  // Only JSON is accepted: fastify's default text/plain parser would turn a typo'd content type
  // into a confusing schema error instead of a 415.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) done(null, undefined);
    else json(req, body as string, done);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'loadlab engine API', version: '1.0.0', description: 'bo1-shaped deliberation service under test (loadlab serve).' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
  });

  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function spanned(this: FastifyInstance, request, reply) {
      return withSpan(String(request.id), () => handler.call(this, request, reply));
    } as RouteHandlerMethod;
  });

  const metrics = createApiMetrics(engine);
  const auth = new Authenticator(engine.repositories.users, settings.authCacheTtlMs, settings.authCacheMaxEntries);
  const limiter = new RateLimiter(engine.redis, settings.rateLimit, engine.config.redisKeyPrefix, log);
  const streams = new StreamRegistry();
  // One pub/sub connection per open stream; falls back to PostgreSQL polling while Redis is down.
  const subscriber = engine.createSubscriber(log);
  const metadata = new SessionMetadata(engine.caches.sessionMetadata, engine.db, engine.config.cache.metadataRecacheTtlSeconds, metrics);
  const ctx: RouteContext = { engine, settings, metrics, metadata, subscriber, streams, log, audited: !engine.config.api.batchLookups };

  app.decorateRequest('user', undefined);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config?.auth !== true) return;
    const user = await withSpan(String(request.id), () => auth.authenticate(request));
    request.user = user;
    await limiter.check(user.id, config.bucket ?? 'default');
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    // A large serialised body goes out as one Buffer: fastify would otherwise scan the string
    // once for Content-Length (Buffer.byteLength) and node encode it again on write; ~4% of a
    // 50-row listing's CPU. Small bodies are cheaper as strings (no extra allocation).
    done(null, typeof payload === 'string' && payload.length >= BUFFER_BODY_CHARS ? Buffer.from(payload, 'utf8') : payload);
  });
  // Callback-style hooks: no promise per request for work that never awaits.
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  // The engine's per-call hook feeds llm_call_duration_seconds; detached when the API closes,
  // since the engine outlives it (and may serve another API instance in tests).
  const stopLlmFeed = engine.llm.client.onCall((call) => metrics.observeLlm(call.model, call.latencyMs / 1000));
  app.addHook('onClose', async () => {
    stopLlmFeed();
  });
  app.addHook('preClose', async () => {
    streams.closeAll('server_shutdown');
  });
  installErrorHandlers(app, log);

  registerSystemRoutes(app, ctx);
  registerSessionRoutes(app, ctx);
  registerStreamRoutes(app, ctx);
  registerCostRoutes(app, ctx);
  registerActionRoutes(app, ctx);
  registerContextRoutes(app, ctx);
  await app.ready();

  return { app, settings, metrics, close: () => app.close() };
}
