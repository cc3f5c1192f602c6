import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ENGINE_ERRORS, isLoadlabError } from '../errors/index.js';
import type { Logger } from '../log/index.js';

/** The JSON body of every error response: `{"error":{"code":"LL_API_…","message":"…"}}`. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** HTTP status of each API error code; the code is the contract, the status follows from it. */
export const API_ERROR_STATUS: Readonly<Record<string, number>> = {
  [ENGINE_ERRORS.API_BAD_REQUEST]: 400,
  [ENGINE_ERRORS.API_VALIDATION]: 400,
  [ENGINE_ERRORS.API_MALFORMED_JSON]: 400,
  [ENGINE_ERRORS.API_UNAUTHORIZED]: 401,
  [ENGINE_ERRORS.API_NOT_FOUND]: 404,
  [ENGINE_ERRORS.API_SESSION_STATE]: 409,
  [ENGINE_ERRORS.API_PAYLOAD_TOO_LARGE]: 413,
  [ENGINE_ERRORS.API_UNSUPPORTED_MEDIA_TYPE]: 415,
  [ENGINE_ERRORS.API_RATE_LIMITED]: 429,
  [ENGINE_ERRORS.API_INTERNAL]: 500,
  [ENGINE_ERRORS.API_UNAVAILABLE]: 503,
};

/** Thrown by handlers for an expected client-facing failure; mapped to its status by the error handler. */
export class ApiError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = API_ERROR_STATUS[code] ?? 500;
    this.headers = headers;
  }
}

/** The one 404 body for a missing route and for a resource the caller may not see (no hint it exists). */
export const notFound = (what = 'not found'): ApiError => new ApiError(ENGINE_ERRORS.API_NOT_FOUND, what);

// Fastify's own client-error codes → ours. Anything 4xx not listed becomes LL_API_BAD_REQUEST.
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ENGINE_ERRORS.API_PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ENGINE_ERRORS.API_UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ENGINE_ERRORS.API_BAD_REQUEST,
  FST_ERR_CTP_EMPTY_JSON_BODY: ENGINE_ERRORS.API_MALFORMED_JSON,
  FST_ERR_CTP_INVALID_JSON_BODY: ENGINE_ERRORS.API_MALFORMED_JSON,
  FST_ERR_BAD_URL: ENGINE_ERRORS.API_BAD_REQUEST,
  FST_ERR_MAX_PARAM_LENGTH: ENGINE_ERRORS.API_VALIDATION,
  FST_ERR_ASYNC_CONSTRAINT: ENGINE_ERRORS.API_BAD_REQUEST,
};

/**
 * Router-level failures (undecodable URL, over-long path parameter) never reach the error
 * handler; fastify's `frameworkErrors` option sends them here so they get the same JSON shape.
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void sendError(reply, toApiError(error));
}

/**
 * HTTP that node's parser rejects (a header with a newline, an over-long header block) never
 * reaches fastify's router: fastify's default answers `{"error":"Bad Request","message":"Client
 * Error"}`. This answers the API's own shape and closes the connection, as the request stream
 * cannot be trusted any more.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  // Nothing to answer: the peer is gone, or the socket cannot be written any more.
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const message = err.code === 'HPE_HEADER_OVERFLOW' ? 'request headers too large' : 'malformed HTTP request';
  const body = JSON.stringify({ error: { code: ENGINE_ERRORS.API_BAD_REQUEST, message } } satisfies ApiErrorBody);
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Errors of the infrastructure (pool exhausted, PostgreSQL down): the service, not the client, failed. */
function isUnavailable(err: unknown): boolean {
  if (isLoadlabError(err)) return err.kind === 'infra';
  const code = (err as { code?: unknown }).code;
  // ECONNREFUSED & co from pg/ioredis, and PostgreSQL's connection-exception / shutdown classes.
  return typeof code === 'string' && (/^E[A-Z]+$/.test(code) || /^(08|57P)/.test(code));
}

/** Maps any thrown value to (status, code, message); never leaks internals for a 5xx. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as Partial<FastifyError> & { type?: string };
  if (Array.isArray(fe.validation)) return new ApiError(ENGINE_ERRORS.API_VALIDATION, fe.message ?? 'invalid request');
  if (typeof fe.code === 'string' && FASTIFY_CODES[fe.code] !== undefined) {
    return new ApiError(FASTIFY_CODES[fe.code] as string, fe.message ?? 'bad request');
  }
  if (err instanceof SyntaxError) return new ApiError(ENGINE_ERRORS.API_MALFORMED_JSON, 'malformed JSON body');
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 413) return new ApiError(ENGINE_ERRORS.API_PAYLOAD_TOO_LARGE, fe.message ?? 'payload too large');
  if (status === 415) return new ApiError(ENGINE_ERRORS.API_UNSUPPORTED_MEDIA_TYPE, fe.message ?? 'unsupported media type');
  if (status >= 400 && status < 500) return new ApiError(ENGINE_ERRORS.API_BAD_REQUEST, fe.message ?? 'bad request');
  if (isUnavailable(err))
    return new ApiError(ENGINE_ERRORS.API_UNAVAILABLE, 'a backing service is unavailable; retry later', { 'retry-after': '1' });
  return new ApiError(ENGINE_ERRORS.API_INTERNAL, 'internal error');
}

/** Sends the JSON error body; also used by hooks that answer early (auth, rate limit). */
export function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
  const body: ApiErrorBody = { error: { code: err.code, message: err.message } };
  return reply.code(err.statusCode).type('application/json; charset=utf-8').send(body);
}

/**
 * Every error ends here: client faults keep their 4xx; a fault of ours is logged with the
 * request id and answered 500/503 with a fixed message (the cause stays in the log).
 */
export function installErrorHandlers(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toApiError(err);
    if (mapped.statusCode >= 500) {
      log.error(
        {
          reqId: request.id,
          route: request.routeOptions.url,
          err: err instanceof Error ? { message: err.message, code: (err as { code?: unknown }).code, stack: err.stack } : String(err),
        },
        'request failed',
      );
    }
    if (reply.raw.headersSent || reply.sent) return;
    return sendError(reply, mapped);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, notFound(`no route ${request.method} ${request.url.split('?')[0] ?? ''}`.slice(0, 200))),
  );
}
