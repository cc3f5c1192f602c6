import { randomUUID } from 'node:crypto';
import type { ApiCostInput } from '../costs-repository.js';

/** A plausible api_costs row for tests; `over` replaces any field. */
export function costRecord(sessionId: string | null, userId: string | null, over: Partial<ApiCostInput> = {}): ApiCostInput {
  return {
    requestId: randomUUID(),
    createdAt: new Date(),
    sessionId,
    userId,
    provider: 'anthropic',
    modelName: 'claude-haiku-4-5-20251001',
    operationType: 'completion',
    nodeName: 'persona',
    phase: 'deliberation',
    personaName: null,
    roundNumber: 1,
    subProblemIndex: 0,
    inputTokens: 100,
    outputTokens: 50,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    cacheHit: false,
    inputCost: 0.0001,
    outputCost: 0.00025,
    cacheWriteCost: 0,
    cacheReadCost: 0,
    totalCost: 0.00035,
    optimizationType: null,
    costWithoutOptimization: 0.00035,
    latencyMs: 10,
    status: 'success',
    errorMessage: null,
    metadata: {},
    feature: 'meeting',
    costCategory: 'user',
    ...over,
  };
}
