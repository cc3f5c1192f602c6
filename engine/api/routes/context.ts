import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../internal/context.js';
import { userOf } from '../internal/owned.js';
import { ERRORS, SECURITY } from '../schemas.js';

interface ContextBody {
  business_model?: string;
  target_market?: string;
  industry?: string;
  company_name?: string;
}

const TAGS = ['context'];
const TEXT = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^\\u0000]*$' } as const;
const CONTEXT_VIEW = {
  type: 'object',
  properties: { user_id: { type: 'string' }, context: { type: ['object', 'null'], additionalProperties: true } },
} as const;

/**
 * The caller's business context (§1.8 user_context), read through the engine's user-context cache
 * (`user_context:{user}`, 300 s, §3) and dropped from it on every save.
 */
export function registerContextRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;

  app.get(
    '/api/v1/context',
    {
      config: { auth: true },
      schema: {
        tags: TAGS,
        summary: "The caller's business context (read-through cache, 300 s)",
        security: SECURITY,
        response: { 200: CONTEXT_VIEW, ...ERRORS },
      },
    },
    async (request) => {
      const user = userOf(request);
      return { user_id: user.id, context: (await engine.userContexts.get(user.id)) ?? null };
    },
  );

  app.put<{ Body: ContextBody }>(
    '/api/v1/context',
    {
      config: { auth: true },
      schema: {
        tags: TAGS,
        summary: "Update fields of the caller's business context (invalidates its cache entry)",
        security: SECURITY,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { business_model: TEXT, target_market: TEXT, industry: TEXT, company_name: TEXT },
        },
        response: { 200: CONTEXT_VIEW, ...ERRORS },
      },
    },
    async (request) => {
      const user = userOf(request);
      const b = request.body;
      await engine.userContexts.save(user.id, {
        ...(b.business_model === undefined ? {} : { businessModel: b.business_model }),
        ...(b.target_market === undefined ? {} : { targetMarket: b.target_market }),
        ...(b.industry === undefined ? {} : { industry: b.industry }),
        ...(b.company_name === undefined ? {} : { companyName: b.company_name }),
      });
      return { user_id: user.id, context: (await engine.userContexts.get(user.id)) ?? null };
    },
  );
}
