import { randomUUID } from 'node:crypto';
import type { ApiCostInput } from '../db/index.js';
import { priceCall, type CostProvider } from './pricing.js';

/** What a caller knows about one call attempt (bo1 track_call arguments, §5.1). */
export interface TrackCallInput {
  provider: CostProvider;
  operationType: string;
  modelName: string;
  sessionId?: string | null;
  userId?: string | null;
  nodeName?: string | null;
  phase?: string | null;
  personaName?: string | null;
  roundNumber?: number | null;
  subProblemIndex?: number | null;
  inputTokens?: number;
  outputTokens?: number;
  cacheCreationTokens?: number;
  cacheReadTokens?: number;
  /** Search queries (brave/tavily). */
  queries?: number;
  latencyMs?: number | null;
  status?: 'success' | 'error' | 'retry';
  errorMessage?: string | null;
  feature?: string | null;
  costCategory?: string;
  metadata?: Record<string, unknown>;
}

/** Builds the api_costs row: fresh request_id (uuid4) and created_at fixed now, so retries stay idempotent. */
export function buildCostRecord(input: TrackCallInput, now: Date = new Date()): ApiCostInput {
  const price = priceCall({
    provider: input.provider,
    model: input.modelName,
    inputTokens: input.inputTokens ?? 0,
    outputTokens: input.outputTokens ?? 0,
    cacheCreationTokens: input.cacheCreationTokens ?? 0,
    cacheReadTokens: input.cacheReadTokens ?? 0,
    ...(input.queries === undefined ? {} : { queries: input.queries }),
  });
  const requestId = randomUUID();
  return {
    requestId,
    createdAt: now,
    sessionId: input.sessionId ?? null,
    userId: input.userId ?? null,
    provider: input.provider,
    modelName: input.modelName,
    operationType: input.operationType,
    nodeName: input.nodeName ?? null,
    phase: input.phase ?? null,
    personaName: input.personaName ?? null,
    roundNumber: input.roundNumber ?? null,
    subProblemIndex: input.subProblemIndex ?? null,
    inputTokens: input.inputTokens ?? 0,
    outputTokens: input.outputTokens ?? 0,
    cacheCreationTokens: input.cacheCreationTokens ?? 0,
    cacheReadTokens: input.cacheReadTokens ?? 0,
    cacheHit: price.cacheHit,
    inputCost: price.inputCost,
    outputCost: price.outputCost,
    cacheWriteCost: price.cacheWriteCost,
    cacheReadCost: price.cacheReadCost,
    totalCost: price.totalCost,
    optimizationType: price.optimizationType,
    costWithoutOptimization: price.costWithoutOptimization,
    latencyMs: input.latencyMs === undefined || input.latencyMs === null ? null : Math.round(input.latencyMs),
    status: input.status ?? 'success',
    errorMessage: input.errorMessage ?? null,
    metadata: { request_id: requestId, ...(input.metadata ?? {}) },
    feature: input.feature ?? null,
    costCategory: input.costCategory ?? 'user',
  };
}

/** Redis retry-queue encoding: JSON with created_at as ISO (millisecond precision survives the round trip). */
export function encodeRecord(r: ApiCostInput): string {
  return JSON.stringify(r);
}

export function decodeRecord(raw: string): ApiCostInput | undefined {
  try {
    const o = JSON.parse(raw) as ApiCostInput & { createdAt: string };
    if (typeof o.requestId !== 'string' || typeof o.createdAt !== 'string') return undefined;
    return { ...o, createdAt: new Date(o.createdAt) };
  } catch {
    return undefined;
  }
}
