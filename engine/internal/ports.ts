import type { Caches } from '../cache/index.js';
import type { EngineConfig } from '../config/index.js';
import type { CostJournal } from '../checkpoint/index.js';
import type { CostTracker } from '../costs/index.js';
import type { Repositories } from '../db/index.js';
import type { CheckpointPort, DeliberationLimits, DeliberationPorts, DeliberationSettings, SubProblemMode } from '../deliberation/index.js';
import { ENGINE_ERRORS, LoadlabError } from '../errors/index.js';
import type { EventPublisher } from '../events/index.js';
import type { CostSink, LlmClient } from '../llm/index.js';
import { personaCachePort, withResponseCache } from './cache-ports.js';

/**
 * Adapts the LLM client's per-attempt records to the CostTracker (one api_costs row per HTTP
 * attempt, §5.1). Runs once per attempt on the hot path, so it only copies fields.
 */
export function costSinkFor(costs: CostTracker, journal?: CostJournal): CostSink {
  return {
    record: (a) => {
      const c = a.context;
      const record = costs.track({
        provider: a.provider,
        operationType: a.operation,
        modelName: a.model,
        sessionId: c.sessionId ?? null,
        userId: c.userId ?? null,
        nodeName: c.node ?? null,
        phase: c.phase ?? null,
        personaName: c.persona ?? null,
        roundNumber: c.round ?? null,
        subProblemIndex: c.subProblemIndex ?? null,
        inputTokens: a.usage.inputTokens,
        outputTokens: a.usage.outputTokens,
        cacheCreationTokens: a.usage.cacheCreationTokens,
        cacheReadTokens: a.usage.cacheReadTokens,
        latencyMs: a.latencyMs,
        status: a.status,
        errorMessage: a.error ?? null,
        metadata: { attempt: a.attempt, call_id: a.callId, http_status: a.httpStatus },
      });
      journal?.append(record);
    },
  };
}

/**
 * The deliberation's outside world on the real parts: LLM client, EventPublisher, repositories,
 * and the two caches bo1 had switched off (§3): the LLM response cache in front of every
 * completion when cache.llmResponseCacheEnabled, the persona cache at the selector step when
 * cache.personaSelectionCacheEnabled.
 */
export function deliberationPorts(
  llm: LlmClient,
  events: EventPublisher,
  repos: Repositories,
  checkpoints: CheckpointPort | undefined,
  cached: { config: EngineConfig['cache']; caches: Pick<Caches, 'llmResponses' | 'personaSelection'> },
): DeliberationPorts {
  return {
    llm: cached.config.llmResponseCacheEnabled ? withResponseCache(llm, cached.caches.llmResponses) : llm,
    ...(cached.config.personaSelectionCacheEnabled ? { personaCache: personaCachePort(cached.caches.personaSelection) } : {}),
    ...(checkpoints === undefined ? {} : { checkpoints }),
    events: {
      emit: async (sessionId, type, data) => {
        await events.publish(sessionId, type, data);
      },
    },
    contributions: {
      save: async (c) => {
        await repos.contributions.save({
          sessionId: c.sessionId,
          userId: c.userId,
          personaCode: c.personaCode,
          content: c.content,
          roundNumber: c.round,
          phase: c.phase,
          cost: c.costUsd,
          tokens: c.tokens,
          model: c.model,
        });
      },
    },
    progress: {
      // One statement per progress step (phase, cost, round), not one per column group.
      update: async (sessionId, p) => {
        await repos.sessions.updateProgress(sessionId, {
          phase: p.phase,
          ...(p.totalCostUsd === undefined ? {} : { totalCost: p.totalCostUsd }),
          ...(p.round === undefined ? {} : { roundNumber: p.round }),
        });
      },
    },
  };
}

const SUB_PROBLEM_MODES: readonly SubProblemMode[] = ['sequential', 'parallel', 'batches'];
const EMBEDDING_MODES: readonly string[] = ['auto', 'per_text', 'batched'];

/**
 * The `deliberation` config section as DeliberationSettings. engine/config checks keys and
 * primitive types; the string unions are the deliberation's to check, done here once at startup.
 */
export function deliberationSettings(config: EngineConfig): DeliberationSettings {
  const d = config.deliberation;
  const errors = [
    ...(SUB_PROBLEM_MODES.includes(d.subProblemMode as SubProblemMode)
      ? []
      : [`deliberation.subProblemMode: expected one of ${SUB_PROBLEM_MODES.join(', ')}, got "${d.subProblemMode}"`]),
    ...(EMBEDDING_MODES.includes(d.embeddingMode)
      ? []
      : [`deliberation.embeddingMode: expected one of ${EMBEDDING_MODES.join(', ')}, got "${d.embeddingMode}"`]),
  ];
  if (errors.length > 0) throw new LoadlabError(ENGINE_ERRORS.CONFIG_INVALID, `invalid engine config:\n  - ${errors.join('\n  - ')}`);
  return d as DeliberationSettings;
}

export function deliberationLimits(config: EngineConfig): DeliberationLimits {
  const l = config.limits;
  return {
    maxSubProblems: l.maxSubProblems,
    maxRounds: l.maxRounds,
    minExperts: l.minExperts,
    maxExperts: l.maxExperts,
    maxCostPerSessionUsd: l.maxCostPerSessionUsd,
    embeddingBatchSize: config.embeddings.batchSize,
  };
}
