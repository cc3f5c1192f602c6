import { ENGINE_ERRORS, LoadlabError } from '../errors/index.js';
import { ENGINE_DEFAULTS, ENUM_SETTINGS, POSITIVE_SETTINGS, VARIANT_PROFILES, type EngineDefaults, type Variant } from './defaults.js';
import { SECTION_DEFAULTS, type SectionDefaults } from './sections.js';

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type IsUnion<T> = [T] extends [UnionToIntersection<T>] ? false : true;

/**
 * A single literal type from an `as const` default widened to its primitive (so callers may pass
 * any value); declared unions such as `'mock' | 'real'` are kept.
 */
export type Widen<T> =
  IsUnion<T> extends true
    ? T
    : T extends string
      ? string
      : T extends number
        ? number
        : T extends boolean
          ? boolean
          : T extends object
            ? { -readonly [K in keyof T]: Widen<T[K]> }
            : T;

/** The resolved, frozen configuration the engine runs with. */
export type EngineConfig = Readonly<
  Omit<EngineDefaults, 'variant'> & { variant: Variant } & { [K in keyof SectionDefaults]: Widen<SectionDefaults[K]> }
>;

/** Anything partial, at any depth. */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** What callers pass to `resolveConfig`: any subset of EngineConfig. */
export type EngineConfigInput = DeepPartial<Omit<EngineConfig, 'variant'>> & { variant?: Variant };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges `input` onto `base`, collecting every problem (unknown key, wrong type, out-of-range
 * number, value outside an enum) into `errors` instead of stopping at the first.
 */
function mergeChecked(base: Obj, input: unknown, path: string, errors: string[]): Obj {
  const out: Obj = { ...base };
  if (input === undefined) return out;
  if (!isObj(input)) {
    errors.push(`${path || '(root)'}: expected an object, got ${typeof input}`);
    return out;
  }
  for (const [key, value] of Object.entries(input)) {
    const where = path === '' ? key : `${path}.${key}`;
    if (!(key in base)) {
      errors.push(`${where}: unknown key`);
      continue;
    }
    if (value === undefined) continue;
    const def = base[key];
    if (isObj(def)) {
      out[key] = mergeChecked(def, value, where, errors);
    } else if (typeof value !== typeof def) {
      errors.push(`${where}: expected ${typeof def}, got ${Array.isArray(value) ? 'array' : typeof value}`);
    } else if (typeof value === 'number' && (!Number.isFinite(value) || value < 0 || (value === 0 && POSITIVE_SETTINGS.includes(where)))) {
      errors.push(`${where}: expected a finite number ${POSITIVE_SETTINGS.includes(where) ? '> 0' : '>= 0'}, got ${value}`);
    } else if (typeof value === 'string' && ENUM_SETTINGS[where] !== undefined && !ENUM_SETTINGS[where].includes(value)) {
      errors.push(`${where}: expected one of ${ENUM_SETTINGS[where].join(', ')}, got "${value}"`);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (isObj(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Resolves config once: ENGINE_DEFAULTS (+ sections of other parts) → the variant's profile →
 * the caller's values. Every error is reported in one LoadlabError (code LL_CONFIG_INVALID, kind
 * 'config'); the result is deeply frozen. Reads no environment (the CLI does that).
 */
export function resolveConfig(input: EngineConfigInput = {}): EngineConfig {
  const errors: string[] = [];
  const variant = (input as Obj).variant ?? ENGINE_DEFAULTS.variant;
  if (variant !== 'audited' && variant !== 'optimized') {
    errors.push(`variant: expected one of audited, optimized, got "${String(variant)}"`);
  }
  const base = { ...structuredClone(ENGINE_DEFAULTS), ...structuredClone(SECTION_DEFAULTS) } as Obj;
  const profile = VARIANT_PROFILES[variant === 'audited' ? 'audited' : 'optimized'];
  const withVariant = mergeChecked(base, structuredClone(profile), '', errors);
  const merged = mergeChecked(withVariant, input, '', errors);
  merged.variant = variant;
  const c = merged as unknown as EngineConfig;
  if (errors.length === 0) {
    if (c.db.poolMin > c.db.poolMax) errors.push(`db.poolMin (${c.db.poolMin}) must be <= db.poolMax (${c.db.poolMax})`);
    if (c.costs.batchSize > c.costs.maxBufferSize) errors.push(`costs.batchSize must be <= costs.maxBufferSize`);
    if (c.events.batchSize > c.events.bufferCapacity) errors.push(`events.batchSize must be <= events.bufferCapacity`);
    if (c.limits.minExperts > c.limits.maxExperts) errors.push(`limits.minExperts must be <= limits.maxExperts`);
  }
  if (errors.length > 0) {
    throw new LoadlabError(ENGINE_ERRORS.CONFIG_INVALID, `invalid engine config:\n  - ${errors.join('\n  - ')}`, {
      hint: 'see engine/config/defaults.ts for every key, its default and its section of docs/audited-system.md',
    });
  }
  return deepFreeze(c);
}
