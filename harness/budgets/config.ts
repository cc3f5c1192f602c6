import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import { parseThreshold } from './parse.js';
import { BUDGET_STATS } from './types.js';
import type { BudgetSet, BudgetStat, ConfigError, LoadlabConfig } from './types.js';

const TOP_KEYS = ['budgets', 'selfCheck'] as const;
const PROFILES = ['ci', 'default', 'full'] as const;
const SELF_CHECK_KEYS = ['eventLoopDelayP99Ms', 'cpuPercentP95'] as const;
const NAME = /^[a-z0-9][a-z0-9_.-]*$/i;

/** Typed identity for `loadlab.config.ts`, as in vitest/vite: `export default defineConfig({...})`. */
export function defineConfig(config: LoadlabConfig): LoadlabConfig {
  return config;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string, errors: ConfigError[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k))
      errors.push({ path: path === '' ? k : `${path}.${k}`, message: `unknown key "${k}" (allowed: ${allowed.join(', ')})` });
  }
}

function validateBudgetSet(set: unknown, path: string, errors: ConfigError[]): void {
  if (!isObject(set)) {
    errors.push({ path, message: 'must be an object of metric name -> { stat: threshold }' });
    return;
  }
  for (const [name, rule] of Object.entries(set)) {
    const p = `${path}.${name}`;
    if (!NAME.test(name)) errors.push({ path: p, message: `invalid metric name "${name}" (letters, digits, . _ -)` });
    if (!isObject(rule) || Object.keys(rule).length === 0) {
      errors.push({ path: p, message: `must be a non-empty object like { p95: '< 10ms' } (stats: ${BUDGET_STATS.join(', ')})` });
      continue;
    }
    for (const [stat, expr] of Object.entries(rule)) {
      if (!(BUDGET_STATS as readonly string[]).includes(stat)) {
        errors.push({ path: `${p}.${stat}`, message: `unknown stat "${stat}" (allowed: ${BUDGET_STATS.join(', ')})` });
        continue;
      }
      const parsed = parseThreshold(stat as BudgetStat, expr as string | number);
      if (typeof parsed === 'string') errors.push({ path: `${p}.${stat}`, message: parsed });
    }
  }
}

/** Every problem in a config at once (graphile/migrate settings style); empty when valid. */
export function validateConfig(config: unknown): ConfigError[] {
  const errors: ConfigError[] = [];
  if (!isObject(config)) return [{ path: '', message: 'config must be an object' }];
  unknownKeys(config, TOP_KEYS, '', errors);
  const budgets = config['budgets'];
  if (budgets !== undefined) {
    if (!isObject(budgets)) errors.push({ path: 'budgets', message: 'must be an object keyed by profile (ci, default, full)' });
    else {
      unknownKeys(budgets, PROFILES, 'budgets', errors);
      for (const profile of PROFILES) if (budgets[profile] !== undefined) validateBudgetSet(budgets[profile], `budgets.${profile}`, errors);
    }
  }
  const sc = config['selfCheck'];
  if (sc !== undefined) {
    if (!isObject(sc)) errors.push({ path: 'selfCheck', message: 'must be an object' });
    else {
      unknownKeys(sc, SELF_CHECK_KEYS, 'selfCheck', errors);
      for (const k of SELF_CHECK_KEYS) {
        const v = sc[k];
        if (v !== undefined && (typeof v !== 'number' || !(v > 0)))
          errors.push({ path: `selfCheck.${k}`, message: 'must be a positive number' });
      }
    }
  }
  return errors;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

/** Validates once, reports all errors in one LoadlabError (kind config: exit 2), then freezes. */
export function resolveConfig(config: unknown, source = 'config'): Readonly<LoadlabConfig> {
  const errors = validateConfig(config);
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.path === '' ? '(root)' : e.path}: ${e.message}`);
    throw new LoadlabError(
      HARNESS_ERRORS.BUDGET_CONFIG_INVALID,
      `invalid ${source} (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      {
        hint: 'see the budgets section of the README for the format: { budgets: { ci: { "query.list_sessions": { p95: "< 10ms" } } } }',
      },
    );
  }
  return deepFreeze(structuredClone(config) as LoadlabConfig);
}

/** Loads `loadlab.config.ts|js|mjs` (default export) or a `.json` file, then resolves it. */
export async function loadConfig(path: string): Promise<Readonly<LoadlabConfig>> {
  const abs = resolve(path);
  let raw: unknown;
  try {
    if (extname(abs) === '.json') raw = JSON.parse(await readFile(abs, 'utf8'));
    else {
      const mod = (await import(pathToFileURL(abs).href)) as { default?: unknown; config?: unknown };
      raw = mod.default ?? mod.config;
    }
  } catch (cause) {
    throw new LoadlabError(HARNESS_ERRORS.CONFIG_LOAD_FAILED, `cannot load config ${path}`, { cause });
  }
  return resolveConfig(raw, path);
}

/** The budget set for a profile (empty when the config has none). */
export function budgetsForProfile(config: Readonly<LoadlabConfig>, profile: 'ci' | 'default' | 'full'): BudgetSet {
  return config.budgets?.[profile] ?? {};
}
