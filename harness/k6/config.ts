import type { BudgetSet, BudgetStat } from '../budgets/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import { K6_ONLY_BUDGETS } from './budgets.js';
import { toK6Budget, type K6Threshold, type K6Variant } from './mapping.js';
import { K6_SCRIPT_PLANS } from './scripts.js';
import { K6_SCRIPTS, type K6Config, type K6ScriptConfig, type K6ScriptName } from './types.js';

export const K6_EXPORT_DEFAULTS = {
  /** `loadlab serve` listens here unless told otherwise. */
  target: 'http://127.0.0.1:8000',
  /** `loadlab serve`'s default variant: whose budgets the thresholds take. */
  variant: 'optimized' as K6Variant,
  out: 'loadlab-report/k6',
  /** Longer than the stream budget (120 s), so a slow stream fails its threshold instead of timing out unmeasured. */
  streamTimeout: '150s',
} as const;

export interface K6ConfigInput {
  target?: string;
  tokens?: readonly string[];
  tagIds?: readonly string[];
  /** Budgets of the in-process http-load scenario; the k6-only ones are added to them. */
  scenarioBudgets?: BudgetSet;
  variant?: K6Variant;
  generatedBy?: string;
  now?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A base URL k6 can call: http(s), no query or fragment, no trailing slash. */
export function normalizeTarget(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new LoadlabError(HARNESS_ERRORS.K6_TARGET_INVALID, `--target "${raw}" is not a URL`, {
      cause,
      hint: 'pass the base URL `loadlab serve` printed, e.g. --target http://10.0.0.5:8000',
    });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new LoadlabError(
      HARNESS_ERRORS.K6_TARGET_INVALID,
      `--target must be an http(s) base URL without query or fragment, got "${raw}"`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** Every budget as k6 thresholds, and the names k6 cannot observe (left out, listed in the config). */
export function k6Thresholds(budgets: BudgetSet, variant: K6Variant): { mapped: K6Threshold[]; notInK6: string[] } {
  const mapped: K6Threshold[] = [];
  const notInK6: string[] = [];
  for (const [name, rule] of Object.entries(budgets)) {
    for (const [stat, expr] of Object.entries(rule)) {
      if (expr === undefined) continue;
      const t = toK6Budget(name, stat as BudgetStat, expr, variant);
      if (t === undefined) notInK6.push(`${name}.${stat}`);
      else if (t !== 'other-variant') mapped.push(t);
    }
  }
  return { mapped, notInK6 };
}

/** k6 `options.thresholds` of one script: those of its requests, plus the run-wide ones. */
function thresholdsFor(script: K6ScriptName, mapped: readonly K6Threshold[]): Record<string, string[]> {
  const endpoints: readonly string[] = K6_SCRIPT_PLANS[script].endpoints;
  const out: Record<string, string[]> = {};
  for (const t of mapped) {
    if (t.endpoint === undefined || endpoints.includes(t.endpoint)) (out[t.metric] ??= []).push(t.threshold);
  }
  return out;
}

/** Builds the `config.json` of the exported scripts; thresholds come only from the budget data. */
export function buildK6Config(input: K6ConfigInput = {}): K6Config {
  const variant = input.variant ?? K6_EXPORT_DEFAULTS.variant;
  const budgets: BudgetSet = { ...input.scenarioBudgets, ...K6_ONLY_BUDGETS };
  const { mapped, notInK6 } = k6Thresholds(budgets, variant);
  const badTags = (input.tagIds ?? []).filter((t) => !UUID.test(t));
  if (badTags.length > 0) {
    throw new LoadlabError(HARNESS_ERRORS.K6_TARGET_INVALID, `--tag-ids must be tag UUIDs, got: ${badTags.join(', ')}`, {
      hint: 'read them from the seeded database: SELECT id FROM tags LIMIT 5',
    });
  }
  const scripts = {} as Record<K6ScriptName, K6ScriptConfig>;
  for (const name of K6_SCRIPTS) {
    scripts[name] = { scenarios: structuredClone(K6_SCRIPT_PLANS[name].scenarios), thresholds: thresholdsFor(name, mapped) };
  }
  return {
    schemaVersion: 1,
    generatedBy: input.generatedBy ?? 'loadlab k6 export',
    generatedAt: (input.now ?? new Date()).toISOString(),
    target: normalizeTarget(input.target ?? K6_EXPORT_DEFAULTS.target),
    tokens: [...(input.tokens ?? [])],
    tagIds: (input.tagIds ?? []).map((t) => t.toLowerCase()),
    streamTimeout: K6_EXPORT_DEFAULTS.streamTimeout,
    variant,
    budgets: structuredClone(budgets) as K6Config['budgets'],
    notInK6,
    scripts,
  };
}
