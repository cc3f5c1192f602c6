import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../internal/context.js';
import { ownedSession } from '../internal/owned.js';
import { ERRORS, SECURITY, SESSION_PARAMS } from '../schemas.js';

interface IdParams {
  id: string;
}

const NUM = { type: 'number' } as const;

/** GET /api/v1/sessions/:id/costs: §2.4 session totals and §2.5 per-sub-problem aggregates. */
export function registerCostRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { engine } = ctx;
  app.get<{ Params: IdParams }>(
    '/api/v1/sessions/:id/costs',
    {
      config: { auth: true },
      schema: {
        tags: ['costs'],
        summary: 'Cost aggregates of a session (persisted records, 30-day window)',
        security: SECURITY,
        params: SESSION_PARAMS,
        response: {
          200: {
            type: 'object',
            properties: {
              session_id: { type: 'string' },
              totals: {
                type: 'object',
                properties: {
                  total_calls: NUM,
                  total_cost: NUM,
                  anthropic_cost: NUM,
                  voyage_cost: NUM,
                  brave_cost: NUM,
                  tavily_cost: NUM,
                  total_tokens: NUM,
                  total_saved: NUM,
                  cache_hit_rate: NUM,
                  prompt_cache_hit_rate: NUM,
                },
              },
              sub_problems: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    sub_problem_index: { type: ['integer', 'null'] },
                    label: { type: 'string' },
                    calls: NUM,
                    total_cost: NUM,
                    total_tokens: NUM,
                    by_provider: { type: 'object', additionalProperties: NUM },
                    by_phase: { type: 'object', additionalProperties: NUM },
                  },
                },
              },
            },
          },
          ...ERRORS,
        },
      },
    },
    async (request) => {
      const row = await ownedSession(engine, request.params.id, request.user);
      // bo1's AggregationCache (§2.4): the CostTracker invalidates a session's entry after every
      // flush or drain that persisted records of it, so a hit is never older than the last write.
      const totals = await engine.caches.aggregation.get(row.id, () => engine.repositories.costs.getSessionCosts(row.id));
      const subs = await engine.repositories.costs.getSubproblemCosts(row.id);
      return {
        session_id: row.id,
        totals: {
          total_calls: totals.totalCalls,
          total_cost: totals.totalCost,
          anthropic_cost: totals.anthropicCost,
          voyage_cost: totals.voyageCost,
          brave_cost: totals.braveCost,
          tavily_cost: totals.tavilyCost,
          total_tokens: totals.totalTokens,
          total_saved: totals.totalSaved,
          cache_hit_rate: totals.cacheHitRate,
          prompt_cache_hit_rate: totals.promptCacheHitRate,
        },
        sub_problems: subs.map((s) => ({
          sub_problem_index: s.subProblemIndex,
          // bo1 labels the NULL group "Overhead" (decomposition, meta-synthesis).
          label: s.subProblemIndex === null ? 'Overhead' : `Sub-problem ${s.subProblemIndex + 1}`,
          calls: s.calls,
          total_cost: s.totalCost,
          total_tokens: s.totalTokens,
          by_provider: s.byProvider,
          by_phase: s.byPhase,
        })),
      };
    },
  );
}
