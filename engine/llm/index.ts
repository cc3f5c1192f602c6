export { LLM_DEFAULTS } from './defaults.js';
export type { LlmMode } from './defaults.js';
export { LLM_ERRORS } from './errors.js';
export { createLlmClient } from './client.js';
export type { LlmCallObservation, LlmClient, LlmClientOptions, LlmStats } from './client.js';
export { createLlm } from './factory.js';
export type { LlmConfig, LlmSetup } from './factory.js';
export { MODEL_SETS, DEPRECATED_MODEL_IDS, ROLE_TIERS, modelForRole, tierOfModel } from './models.js';
export type { LlmRole, ModelSet, ModelSetName, ModelTier } from './models.js';
export { createMockLlm } from './mock/handlers.js';
export type { MockFaultSettings, MockLlm, MockLlmOptions, MockLlmStats } from './mock/handlers.js';
export { MOCK_PROFILES, MOCK_PROFILE_NAMES, resolveMockProfile } from './mock/profiles.js';
export type { GenerationModel, MockFault, MockProfile, MockProfileOverrides, OverloadModel, ScheduledFault } from './mock/profiles.js';
export { RATE_LIMIT_PRESETS, RATE_LIMIT_PRESET_NAMES, resolveRateLimits } from './mock/rate-limits.js';
export type { ModelClass, ModelClassLimits, RateLimitOverrides, RateLimitSpec } from './mock/rate-limits.js';
export type { LimitKind } from './mock/rate-limiter.js';
export { createManualClock, systemClock } from './mock/clock.js';
export type { Clock, ManualClock } from './mock/clock.js';
export { createMockFetch } from './mock/transport.js';
export { textVector } from './mock/vectors.js';
export type {
  CallContext,
  CompletionRequest,
  CompletionResult,
  CostSink,
  EmbeddingResult,
  LlmAttempt,
  PriceFn,
  Provider,
  TokenUsage,
} from './types.js';
