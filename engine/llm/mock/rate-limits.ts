import { LoadlabError } from '../../errors/index.js';
import { LLM_ERRORS } from '../errors.js';

/**
 * Anthropic rate-limits each model class on its own (all Sonnet 4.x ids share one set of
 * buckets, all Opus 4.x ids another), so the mock keys its buckets by class, not by model id.
 */
export type ModelClass = 'opus' | 'sonnet' | 'haiku';
export const MODEL_CLASSES: readonly ModelClass[] = ['opus', 'sonnet', 'haiku'];

export function modelClassOf(model: string): ModelClass {
  if (/opus/i.test(model)) return 'opus';
  if (/haiku/i.test(model)) return 'haiku';
  return 'sonnet';
}

export interface ModelClassLimits {
  readonly requestsPerMinute: number;
  readonly inputTokensPerMinute: number;
  readonly outputTokensPerMinute: number;
  /**
   * Whether cache_read_input_tokens count toward ITPM. false for every current model (Opus 4.x,
   * Sonnet 4.x, Haiku 4.5: "cache-aware ITPM"); true only for older models marked † in the docs.
   */
  readonly cacheReadCountsTowardItpm: boolean;
}

/** A set of limits the mock enforces; `undefined` classes means no limits at all (`none`). */
export interface RateLimitSpec {
  readonly name: string;
  readonly classes: Readonly<Record<ModelClass, ModelClassLimits>> | undefined;
}

/** Per-number overrides of a preset, by model class (config `llm.rateLimitOverrides`). */
export type RateLimitOverrides = { readonly [C in ModelClass]?: Partial<ModelClassLimits> };

const cls = (requestsPerMinute: number, inputTokensPerMinute: number, outputTokensPerMinute: number): ModelClassLimits => ({
  requestsPerMinute,
  inputTokensPerMinute,
  outputTokensPerMinute,
  cacheReadCountsTowardItpm: false,
});

/**
 * Anthropic's usage tiers 1-4 for the Messages API (RPM, ITPM, OTPM per model class), as
 * docs/llm-rate-limits.md records them with their source and date. Limits change: every number
 * can be overridden (RateLimitOverrides), and a run reports the figures it used.
 */
export const RATE_LIMIT_PRESETS: Readonly<Record<string, RateLimitSpec>> = {
  none: { name: 'none', classes: undefined },
  'tier-1': { name: 'tier-1', classes: { opus: cls(50, 30_000, 8_000), sonnet: cls(50, 30_000, 8_000), haiku: cls(50, 50_000, 10_000) } },
  'tier-2': {
    name: 'tier-2',
    classes: { opus: cls(1_000, 450_000, 90_000), sonnet: cls(1_000, 450_000, 90_000), haiku: cls(1_000, 450_000, 90_000) },
  },
  'tier-3': {
    name: 'tier-3',
    classes: { opus: cls(2_000, 800_000, 160_000), sonnet: cls(2_000, 800_000, 160_000), haiku: cls(2_000, 1_000_000, 200_000) },
  },
  'tier-4': {
    name: 'tier-4',
    classes: { opus: cls(4_000, 2_000_000, 400_000), sonnet: cls(4_000, 2_000_000, 400_000), haiku: cls(4_000, 4_000_000, 800_000) },
  },
};

export const RATE_LIMIT_PRESET_NAMES = Object.keys(RATE_LIMIT_PRESETS);

const NUMERIC_KEYS = ['requestsPerMinute', 'inputTokensPerMinute', 'outputTokensPerMinute'] as const;

/**
 * A preset by name with per-number overrides applied, validated. An unknown name is a usage
 * error naming the valid ones; overriding `none` is refused because it has no numbers to change.
 */
export function resolveRateLimits(name: string, overrides: RateLimitOverrides = {}): RateLimitSpec {
  const preset = RATE_LIMIT_PRESETS[name];
  if (preset === undefined) {
    throw new LoadlabError(LLM_ERRORS.RATE_LIMIT_PRESET_UNKNOWN, `unknown rate-limit preset "${name}"`, {
      hint: `use one of: ${RATE_LIMIT_PRESET_NAMES.join(', ')}`,
    });
  }
  const touched = MODEL_CLASSES.filter((c) => overrides[c] !== undefined && Object.keys(overrides[c] ?? {}).length > 0);
  if (preset.classes === undefined) {
    if (touched.length > 0) {
      throw new LoadlabError(
        LLM_ERRORS.RATE_LIMITS_INVALID,
        `rate-limit overrides (${touched.join(', ')}) need a preset with limits, not "none"`,
        {
          hint: `start from one of ${RATE_LIMIT_PRESET_NAMES.filter((n) => n !== 'none').join(', ')} and override its numbers`,
        },
      );
    }
    return preset;
  }
  const problems: string[] = [];
  const classes = {} as Record<ModelClass, ModelClassLimits>;
  for (const c of MODEL_CLASSES) {
    const merged = { ...preset.classes[c], ...overrides[c] };
    for (const k of NUMERIC_KEYS) {
      const v = merged[k];
      if (!(Number.isFinite(v) && v > 0)) problems.push(`${c}.${k}: expected a finite number > 0, got ${String(v)}`);
    }
    classes[c] = merged;
  }
  if (problems.length > 0) {
    throw new LoadlabError(LLM_ERRORS.RATE_LIMITS_INVALID, `invalid rate limits for preset "${name}": ${problems.join('; ')}`);
  }
  return Object.freeze({ name: touched.length > 0 ? `${name}+overrides` : name, classes: Object.freeze(classes) });
}
