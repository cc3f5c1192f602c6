/** Engine configuration: one defaults literal, variant profiles and a single validating resolve step. */
export { ENGINE_DEFAULTS, ENUM_SETTINGS, VARIANT_PROFILES } from './defaults.js';
export type {
  ActionsListShape,
  ContributionSaveShape,
  EngineDefaults,
  EventInsertShape,
  ListSessionsShape,
  PersonaLookupShape,
  TagFilterShape,
  Variant,
} from './defaults.js';
export { resolveConfig } from './resolve.js';
export type { DeepPartial, EngineConfig, EngineConfigInput, Widen } from './resolve.js';
export { SECTION_DEFAULTS } from './sections.js';
