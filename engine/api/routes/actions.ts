import type { FastifyInstance } from 'fastify';
import type { ActionRow } from '../../db/index.js';
import { notFound } from '../errors.js';
import type { RouteContext } from '../internal/context.js';
import { userOf } from '../internal/owned.js';
import { actionOfUser, sessionsByIds, type SessionBrief } from '../internal/queries.js';
import { ERRORS, SECURITY, UUID, listActionsQuery } from '../schemas.js';

interface ListQuery {
  status?: string;
  tag_ids?: string;
  project_id?: string;
  session_id?: string;
  limit: number;
  offset: number;
}

const TAGS = ['actions'];

/** Actions of the caller (§2.3), grouped by the meeting (session) they came from. */
export function registerActionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;

  /** audited: one session lookup per distinct source session (bo1's N+1); optimized: one statement. */
  async function sourceSessions(actions: readonly ActionRow[]): Promise<SessionBrief[]> {
    const ids = [...new Set(actions.map((a) => a.source_session_id))];
    if (!ctx.audited) return sessionsByIds(engine.db, ids);
    const out: SessionBrief[] = [];
    for (const id of ids) {
      const s = await engine.repositories.sessions.get(id);
      if (s !== undefined)
        out.push({ id: s.id, user_id: s.user_id, problem_statement: s.problem_statement, status: s.status, created_at: s.created_at });
    }
    return out;
  }

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/actions',
    {
      config: { auth: true },
      schema: {
        tags: TAGS,
        summary: 'List actions; tag_ids is a comma list with AND semantics',
        security: SECURITY,
        querystring: listActionsQuery(ctx.settings),
        response: {
          200: {
            type: 'object',
            properties: {
              actions: { type: 'array', items: { type: 'object', additionalProperties: true } },
              sessions: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    problem_statement: { type: 'string' },
                    status: { type: 'string' },
                    created_at: { type: 'string', format: 'date-time' },
                    action_count: { type: 'integer' },
                  },
                },
              },
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
      const actions = await engine.repositories.actions.getByUser(user.id, {
        limit: q.limit,
        offset: q.offset,
        ...(q.status === undefined ? {} : { statusFilter: q.status }),
        ...(q.project_id === undefined ? {} : { projectId: q.project_id }),
        ...(q.session_id === undefined ? {} : { sessionId: q.session_id }),
        ...(q.tag_ids === undefined ? {} : { tagIds: q.tag_ids.split(',').map((t) => t.toLowerCase()) }),
      });
      const counts = new Map<string, number>();
      for (const a of actions) counts.set(a.source_session_id, (counts.get(a.source_session_id) ?? 0) + 1);
      // The owner check is defensive: actions.user_id already restricts the page to the caller.
      const sessions = (await sourceSessions(actions)).filter((s) => s.user_id === user.id);
      return {
        actions,
        sessions: sessions.map((s) => ({
          id: s.id,
          problem_statement: s.problem_statement,
          status: s.status,
          created_at: s.created_at,
          action_count: counts.get(s.id) ?? 0,
        })),
        total: actions.length,
        limit: q.limit,
        offset: q.offset,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/actions/:id',
    {
      config: { auth: true },
      schema: {
        tags: TAGS,
        summary: 'One action of the caller',
        security: SECURITY,
        params: { type: 'object', required: ['id'], additionalProperties: false, properties: { id: UUID } },
        response: { 200: { type: 'object', additionalProperties: true }, ...ERRORS },
      },
    },
    async (request) => {
      const action = await actionOfUser(engine.db, request.params.id, userOf(request).id);
      if (action === undefined) throw notFound('action not found');
      return action;
    },
  );
}
