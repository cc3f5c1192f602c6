/**
 * Extension point: config sections owned by other engine parts. Each part exports a defaults
 * literal from its own `defaults.ts`; registering it here makes `resolveConfig` accept, validate
 * (unknown keys, primitive types) and freeze that section like the built-in ones.
 * String unions are checked for type only; the owning part validates their values.
 */
import { CHECKPOINT_DEFAULTS } from '../checkpoint/defaults.js';
import { DELIBERATION_DEFAULTS } from '../deliberation/defaults.js';
import { LLM_DEFAULTS } from '../llm/defaults.js';

export const SECTION_DEFAULTS = {
  llm: LLM_DEFAULTS,
  deliberation: DELIBERATION_DEFAULTS,
  checkpoint: CHECKPOINT_DEFAULTS,
};

export type SectionDefaults = typeof SECTION_DEFAULTS;
