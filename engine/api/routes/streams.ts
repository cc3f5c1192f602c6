import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ENGINE_ERRORS } from '../../errors/index.js';
import { eventKeys, parseEnvelope, type EventEnvelope, type Subscription } from '../../events/index.js';
import { ApiError } from '../errors.js';
import type { RouteContext } from '../internal/context.js';
import { ownedSession } from '../internal/owned.js';
import { SseStream } from '../internal/sse.js';
import { ERRORS, ERROR_RESPONSE, SECURITY, SESSION_PARAMS, STREAM_HEADERS } from '../schemas.js';

interface IdParams {
  id: string;
}

const TAGS = ['events'];
// The stream ends after these (§7.3: `complete` or `error`).
const FINAL_EVENTS = new Set(['complete', 'error', 'meeting_failed']);
const TERMINAL_STATUS = new Set(['completed', 'failed', 'killed', 'deleted', 'terminated', 'evicted']);
const REPLAY_PAGE = 500;

/** `<session_id>:<sequence>` → sequence; anything else is a client error, not a silent restart. */
function parseLastEventId(header: string | undefined, sessionId: string): number {
  if (header === undefined || header === '') return 0;
  const cut = header.lastIndexOf(':');
  const seq = cut < 0 ? NaN : Number(header.slice(cut + 1));
  if (cut < 0 || header.slice(0, cut) !== sessionId || !Number.isSafeInteger(seq) || seq < 0 || header.slice(cut + 1) === '') {
    throw new ApiError(ENGINE_ERRORS.API_VALIDATION, 'headers/last-event-id must be <session_id>:<sequence> of this session');
  }
  return seq;
}

/** History and live events of a session (§7.3). */
export function registerStreamRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;
  const prefix = engine.config.redisKeyPrefix;

  /** Every persisted event after `after`, in pages (PostgreSQL is complete once a session ended). */
  async function persistedAfter(sessionId: string, after: number, each: (e: EventEnvelope) => void): Promise<void> {
    let last = after;
    for (;;) {
      const rows = await engine.repositories.events.getEventsAfter(sessionId, last, REPLAY_PAGE);
      for (const r of rows) {
        const e = parseEnvelope(r.data);
        if (e === undefined) continue;
        each(e);
        last = Math.max(last, e.sequence);
      }
      if (rows.length < REPLAY_PAGE) return;
    }
  }

  app.get<{ Params: IdParams }>(
    '/api/v1/sessions/:id/events',
    {
      config: { auth: true },
      schema: {
        tags: TAGS,
        summary: 'Full event history (Redis first, PostgreSQL fallback)',
        security: SECURITY,
        params: SESSION_PARAMS,
        response: {
          200: {
            type: 'object',
            properties: {
              session_id: { type: 'string' },
              events: { type: 'array', items: { type: 'object', additionalProperties: true } },
              count: { type: 'integer' },
              last_event_id: { type: ['string', 'null'] },
            },
          },
          ...ERRORS,
        },
      },
    },
    async (request) => {
      const row = await ownedSession(engine, request.params.id, request.user);
      let events: EventEnvelope[] = [];
      try {
        if (engine.redis.status === 'ready') {
          const raw = await engine.redis.lrange(eventKeys(prefix, row.id).history, 0, -1);
          events = raw.map(parseEnvelope).filter((e): e is EventEnvelope => e !== undefined);
        }
      } catch {
        events = [];
      }
      // An expired or partial Redis history (Redis was down for part of the run) is read from PostgreSQL.
      if (events.length === 0 || events[0]?.sequence !== 1 || events.some((e, i) => e.sequence !== i + 1)) {
        events = (await engine.repositories.events.getEvents(row.id))
          .map((r) => parseEnvelope(r.data))
          .filter((e): e is EventEnvelope => e !== undefined);
      }
      const last = events.at(-1);
      return { session_id: row.id, events, count: events.length, last_event_id: last === undefined ? null : `${row.id}:${last.sequence}` };
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/v1/sessions/:id/stream',
    {
      config: { auth: true, bucket: 'stream' },
      schema: {
        tags: TAGS,
        summary: 'Server-sent events: replay after Last-Event-ID, then live; PostgreSQL polling when Redis is down',
        description:
          'text/event-stream. Each event: `id: <session_id>:<sequence>`, `event: <type>`, `data: <json>`. Keepalive comments; ends after `complete` or `error` with `stream_closed`.',
        security: SECURITY,
        params: SESSION_PARAMS,
        headers: STREAM_HEADERS,
        response: { 200: { description: 'text/event-stream', type: 'string' }, 409: ERROR_RESPONSE, ...ERRORS },
      },
    },
    async (request: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply) => {
      const row = await ownedSession(engine, request.params.id, request.user);
      const after = parseLastEventId(request.headers['last-event-id'] as string | undefined, row.id);
      // §4.1: a session that was never started has nothing to stream yet.
      if (row.status === 'created') throw new ApiError(ENGINE_ERRORS.API_SESSION_STATE, 'session has not been started; POST /start first');

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(request.id),
      });
      const stream = new SseStream(raw, row.id, after);
      ctx.metrics.sseOpened();
      stream.retry(ctx.settings.sseRetryMs);

      const timers: NodeJS.Timeout[] = [];
      let finishing = false;
      const finish = (reason: string): void => {
        if (finishing || stream.closed) return;
        finishing = true;
        stream.control('stream_closed', { reason, last_event_id: `${row.id}:${stream.last}` });
        stream.end();
      };
      stream.onEnd(() => {
        for (const t of timers) clearInterval(t);
        ctx.metrics.sseClosed();
      });
      ctx.streams.add(stream, finish);
      const send = (e: EventEnvelope): void => {
        if (stream.event(e) && FINAL_EVENTS.has(e.event_type)) finish(e.event_type);
      };

      // A session that already ended is complete in PostgreSQL: replay and close, no subscription.
      if (TERMINAL_STATUS.has(row.status)) {
        await persistedAfter(row.id, after, send).catch((err: unknown) =>
          ctx.log.warn({ err: (err as Error).message }, 'stream replay failed'),
        );
        finish(row.status);
        return;
      }

      const subscription: Subscription = ctx.subscriber.subscribe(row.id, {
        afterSequence: after,
        onEvent: send,
        onMode: (mode) => {
          if (mode === 'polling') stream.control('sse_fallback_activated', { reason: 'redis unavailable; polling PostgreSQL' });
        },
      });
      stream.onEnd(() => void subscription.close());
      timers.push(setInterval(() => stream.comment('keepalive'), ctx.settings.heartbeatMs));
      // The session may end without a final event reaching us (killed, engine restarted): watch its status.
      let checking = false;
      timers.push(
        setInterval(() => {
          if (checking || stream.closed) return;
          checking = true;
          void (async () => {
            try {
              const status = (await engine.repositories.sessions.get(row.id))?.status;
              if (status === undefined || TERMINAL_STATUS.has(status)) {
                await subscription.close();
                await persistedAfter(row.id, stream.last, send);
                finish(status ?? 'deleted');
              }
            } catch (err) {
              ctx.log.debug({ err: (err as Error).message }, 'stream status check failed');
            } finally {
              checking = false;
            }
          })();
        }, ctx.settings.streamStatusCheckMs),
      );
    },
  );
}
