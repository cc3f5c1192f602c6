import type { FastifyInstance } from 'fastify';
import { ENGINE_ERRORS, isLoadlabError } from '../../errors/index.js';
import { ApiError } from '../errors.js';
import type { RouteContext } from '../internal/context.js';
import { ownedSession, userOf } from '../internal/owned.js';
import { claimStart, killNotStarted } from '../internal/queries.js';
import { overlayListed, sessionView } from '../internal/views.js';
import { ERRORS, ERROR_RESPONSE, SECURITY, SESSION_PARAMS, SESSION_VIEW, createSessionBody, listSessionsQuery } from '../schemas.js';

interface CreateBody {
  problem_statement: string;
  problem_context?: Record<string, unknown>;
}
interface ListQuery {
  limit: number;
  offset: number;
  status?: string;
  workspace_id?: string;
}
interface IdParams {
  id: string;
}

const TAGS = ['sessions'];

/** Session lifecycle (§4.1): create → start → (stream) → kill; list and detail. */
export function registerSessionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine, settings } = ctx;

  app.post<{ Body: CreateBody }>(
    '/api/v1/sessions',
    {
      config: { auth: true, bucket: 'createSession' },
      schema: {
        tags: TAGS,
        summary: 'Create a session (status created)',
        security: SECURITY,
        body: createSessionBody(settings),
        response: { 201: SESSION_VIEW, ...ERRORS },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const { problem_statement: problem, problem_context: context } = request.body;
      if (problem.trim().length < settings.problemMinChars) {
        throw new ApiError(
          ENGINE_ERRORS.API_VALIDATION,
          `body/problem_statement must have at least ${settings.problemMinChars} non-blank characters`,
        );
      }
      if (Buffer.byteLength(problem, 'utf8') > settings.problemMaxBytes) {
        throw new ApiError(
          ENGINE_ERRORS.API_VALIDATION,
          `body/problem_statement must be at most ${settings.problemMaxBytes} bytes in UTF-8`,
        );
      }
      if (context !== undefined && Buffer.byteLength(JSON.stringify(context), 'utf8') > settings.problemContextMaxBytes) {
        throw new ApiError(
          ENGINE_ERRORS.API_VALIDATION,
          `body/problem_context must be at most ${settings.problemContextMaxBytes} bytes as JSON`,
        );
      }
      const row = await engine.repositories.sessions.create({
        userId: user.id,
        problemStatement: problem,
        ...(context === undefined ? {} : { problemContext: context }),
      });
      return reply.code(201).send(sessionView(row));
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/sessions',
    {
      config: { auth: true },
      schema: {
        tags: TAGS,
        summary: "List the caller's sessions, newest first, with task counts",
        security: SECURITY,
        querystring: listSessionsQuery(settings),
        response: {
          200: {
            type: 'object',
            properties: {
              sessions: { type: 'array', items: SESSION_VIEW },
              total: { type: 'integer' },
              limit: { type: 'integer' },
              offset: { type: 'integer' },
            },
          },
          ...ERRORS,
        },
      },
    },
    async (request) => {
      const user = userOf(request);
      const q = request.query;
      const rows = await engine.repositories.sessions.listByUserJson(user.id, {
        limit: q.limit,
        offset: q.offset,
        ...(q.status === undefined ? {} : { statusFilter: q.status }),
        ...(q.workspace_id === undefined ? {} : { workspaceId: q.workspace_id }),
      });
      const meta = ctx.audited ? await ctx.metadata.loadEach(rows) : await ctx.metadata.loadBatch(rows);
      // bo1 reports total = len(page): no COUNT query (§2.1).
      return { sessions: rows.map((r) => overlayListed(r, meta.get(r.id))), total: rows.length, limit: q.limit, offset: q.offset };
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/v1/sessions/:id',
    {
      config: { auth: true },
      schema: {
        tags: TAGS,
        summary: 'One session of the caller',
        security: SECURITY,
        params: SESSION_PARAMS,
        response: { 200: SESSION_VIEW, ...ERRORS },
      },
    },
    async (request) => sessionView(await ownedSession(engine, request.params.id, request.user)),
  );

  app.post<{ Params: IdParams }>(
    '/api/v1/sessions/:id/start',
    {
      config: { auth: true },
      schema: {
        tags: TAGS,
        summary: 'Start the deliberation in the background (created → running)',
        security: SECURITY,
        params: SESSION_PARAMS,
        response: {
          202: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' } } },
          409: ERROR_RESPONSE,
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const row = await ownedSession(engine, request.params.id, user);
      if (!(await claimStart(engine.db, row.id, user.id))) {
        throw new ApiError(
          ENGINE_ERRORS.API_SESSION_STATE,
          `session is ${row.status === 'created' ? 'already starting' : row.status}; only a created session can start`,
        );
      }
      // Runs in the background; the outcome lands in the session row and its events.
      void engine
        .startSession(row.id)
        .catch((err: unknown) => ctx.log.error({ sessionId: row.id, err: (err as Error).message }, 'session start failed'));
      return reply.code(202).send({ id: row.id, status: 'running' });
    },
  );

  app.post<{ Params: IdParams }>(
    '/api/v1/sessions/:id/resume',
    {
      config: { auth: true },
      schema: {
        tags: TAGS,
        summary: 'Resume a session left running by a dead engine, at the step after its last checkpoint',
        security: SECURITY,
        params: SESSION_PARAMS,
        response: {
          202: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              status: { type: 'string' },
              last_step: { type: 'string' },
              step: { type: 'integer' },
              redone_events: { type: 'integer' },
            },
          },
          409: ERROR_RESPONSE,
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const row = await ownedSession(engine, request.params.id, userOf(request));
      try {
        const { report, outcome } = await engine.resumeSession(row.id);
        // Runs in the background, as /start does; the outcome lands in the session row and its events.
        void outcome.catch((err: unknown) => ctx.log.error({ sessionId: row.id, err: (err as Error).message }, 'resumed session failed'));
        return await reply
          .code(202)
          .send({ id: row.id, status: 'running', last_step: report.lastStep, step: report.step, redone_events: report.redoneEvents });
      } catch (err) {
        // Not resumable (alive elsewhere, not running) or nothing to resume from: a state conflict, not a 500.
        if (isLoadlabError(err) && (err.code === ENGINE_ERRORS.SESSION_NOT_RESUMABLE || err.code === ENGINE_ERRORS.CHECKPOINT_LOST)) {
          throw new ApiError(ENGINE_ERRORS.API_SESSION_STATE, err.message);
        }
        throw err;
      }
    },
  );

  app.post<{ Params: IdParams }>(
    '/api/v1/sessions/:id/kill',
    {
      config: { auth: true },
      schema: {
        tags: TAGS,
        summary: 'Kill a running (or not yet started) session',
        security: SECURITY,
        params: SESSION_PARAMS,
        response: {
          200: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' } } },
          409: ERROR_RESPONSE,
          ...ERRORS,
        },
      },
    },
    async (request) => {
      const user = userOf(request);
      const row = await ownedSession(engine, request.params.id, user);
      const reason = `killed by user ${user.id}`;
      if (engine.kill(row.id, reason) || (await killNotStarted(engine.db, row.id, user.id, reason)))
        return { id: row.id, status: 'killed' };
      throw new ApiError(ENGINE_ERRORS.API_SESSION_STATE, `session is ${row.status}; nothing to kill`);
    },
  );
}
