import { VARIANT_PROFILES, type EngineConfigInput } from '../../engine/config/index.js';
import { LoadlabError } from '../../engine/errors/index.js';
import { OPTIMIZATION_NAMES, type OptimizationName } from '../../engine/migrate/index.js';
import { HARNESS_ERRORS } from '../errors/index.js';

/**
 * The audit's recommendations as switches a run can turn off (`--disable`), to measure one
 * recommendation's worth or to prove that `loadlab compare` catches its loss. Two kinds:
 * schema optimisations (migration tracks, left out of every database the run prepares) and
 * engine features (the dotted paths of VARIANT_PROFILES.audited: the audited value is forced on
 * every engine a scenario builds through `ctx.engineConfig`).
 */
export interface DisabledOptimizations {
  names: string[];
  migrations: OptimizationName[];
  /** Engine config overrides: the audited value of each disabled feature. */
  engine: Record<string, unknown>;
}

function flatten(obj: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null
      ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
      : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}

/** Engine features the audit changed, by dotted config path, with their audit-time value. */
export const ENGINE_FEATURES: ReadonlyMap<string, unknown> = new Map(
  flatten(VARIANT_PROFILES.audited as unknown as Record<string, unknown>),
);

export const SWITCH_NAMES: readonly string[] = [...OPTIMIZATION_NAMES, ...ENGINE_FEATURES.keys()];

export const NOTHING_DISABLED: DisabledOptimizations = { names: [], migrations: [], engine: {} };

export function parseDisabled(list: string | undefined): DisabledOptimizations {
  if (list === undefined || list.trim() === '' || list.trim() === 'none') return NOTHING_DISABLED;
  const names = [
    ...new Set(
      list
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  const unknown = names.filter((n) => !SWITCH_NAMES.includes(n));
  if (unknown.length > 0) {
    throw new LoadlabError(HARNESS_ERRORS.USAGE, `--disable: unknown optimisation ${unknown.map((u) => `"${u}"`).join(', ')}`, {
      hint: `use a comma-separated list of: ${SWITCH_NAMES.join(', ')}`,
    });
  }
  const engine: Record<string, unknown> = {};
  for (const name of names) {
    if (!ENGINE_FEATURES.has(name)) continue;
    const path = name.split('.');
    let node = engine;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = ENGINE_FEATURES.get(name);
  }
  return { names, migrations: names.filter((n): n is OptimizationName => (OPTIMIZATION_NAMES as readonly string[]).includes(n)), engine };
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      typeof v === 'object' && v !== null && typeof b === 'object' && b !== null
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** The engine config a scenario asked for, with the run's disabled features forced to their audited values. */
export function withDisabled(input: EngineConfigInput, disabled: DisabledOptimizations): EngineConfigInput {
  if (Object.keys(disabled.engine).length === 0) return input;
  return merge(input as Record<string, unknown>, disabled.engine) as EngineConfigInput;
}
