/**
 * Model ids as data. Tier -> id per "model set", each with where the id came from and when, so a
 * report can say which models a run priced. `current` is the default because the SDK warns on
 * every call to an id it lists as deprecated; `audited` reproduces the 2025-12-22 system.
 */
export type ModelTier = 'core' | 'fast';
export type ModelSetName = 'current' | 'audited';

export interface ModelSet {
  readonly core: string;
  readonly fast: string;
  readonly source: string;
  readonly date: string;
}

export const MODEL_SETS: Readonly<Record<ModelSetName, ModelSet>> = {
  current: {
    core: 'claude-sonnet-4-6',
    fast: 'claude-haiku-4-5-20251001',
    source: '@anthropic-ai/sdk 1.14 resources/messages Model union, minus internal/data/deprecated-models.js',
    date: '2026-11-27',
  },
  audited: {
    core: 'claude-sonnet-4-5-20250929',
    fast: 'claude-haiku-4-5-20251001',
    source: 'docs/audited-system.md §10.1 (TASK_MODEL_DEFAULTS: core -> Sonnet 4.5, fast -> Haiku 4.5)',
    date: '2025-12-22',
  },
};

/**
 * Mirror of the SDK's deprecated list (@anthropic-ai/sdk 1.14 internal/data/deprecated-models.js,
 * read 2026-11-27). Kept here because that file is SDK-internal; the client uses it to route these
 * ids around the SDK's per-call console.warn and logs one warning of its own instead.
 */
export const DEPRECATED_MODEL_IDS: ReadonlySet<string> = new Set([
  'claude-mythos-preview',
  'claude-opus-4-5',
  'claude-opus-4-5-20251101',
  'claude-sonnet-4-5',
  'claude-sonnet-4-5-20250929',
]);

/** Call roles of the deliberation (docs/audited-system.md §10.1 role -> tier, TASK_MODEL_DEFAULTS). */
export type LlmRole =
  | 'decomposer'
  | 'complexity_assessment'
  | 'gaps'
  | 'selector'
  | 'persona'
  | 'summarizer'
  | 'judge'
  | 'voting'
  | 'synthesis'
  | 'expert_summary'
  | 'meta_synthesis'
  | 'option_extraction'
  | 'task_extraction';

export const ROLE_TIERS: Readonly<Record<LlmRole, ModelTier>> = {
  decomposer: 'core',
  complexity_assessment: 'fast',
  gaps: 'core', // identify_gaps is a decomposer call (§4.3)
  selector: 'core',
  persona: 'core',
  summarizer: 'fast',
  judge: 'fast',
  voting: 'core',
  synthesis: 'fast', // use_fast_for_synthesis (§4.9)
  expert_summary: 'fast',
  meta_synthesis: 'fast',
  option_extraction: 'fast',
  task_extraction: 'fast',
};

export function modelForRole(set: ModelSet, role: LlmRole): string {
  return set[ROLE_TIERS[role]];
}

export function tierOfModel(set: ModelSet, model: string): ModelTier {
  return model === set.core || /sonnet|opus/.test(model) ? 'core' : 'fast';
}
