export { DELIBERATION_DEFAULTS, DELIBERATION_LIMIT_DEFAULTS } from './defaults.js';
export type { DeliberationLimits, DeliberationSettings, EmbeddingMode, SubProblemMode } from './defaults.js';
export { DELIBERATION_ERRORS } from './errors.js';
export { runDeliberation } from './deliberate.js';
export type { DeliberationInput, DeliberationOptions, DeliberationResult } from './deliberate.js';
export type {
  CheckpointPort,
  ContributionPort,
  ContributionRecord,
  DeliberationPorts,
  EventPort,
  LlmPort,
  PersonaCachePort,
  ProgressPort,
  SessionProgress,
} from './ports.js';
export { initialState } from './state.js';
export type { DeliberationState, SessionCounters, StatePart, SubProblemOutcome, SubProblemState } from './state.js';
export { PERSONAS, PERSONA_BY_CODE } from './personas.js';
export type { Persona } from './personas.js';
export { createMemoryPorts } from './memory-ports.js';
export type { MemoryPorts } from './memory-ports.js';
export type { StopReason } from './internal/stopping.js';
