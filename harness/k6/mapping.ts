import { parseThreshold, toK6Threshold, type BudgetStat, type ThresholdExpr } from '../budgets/index.js';
import type { K6EndpointName } from './types.js';

/** One budget threshold as k6 sees it. */
export interface K6Threshold {
  /** The loadlab budget it came from. */
  budget: string;
  stat: BudgetStat;
  /** The request it concerns; undefined for run-wide ones (errors, checks). */
  endpoint: K6EndpointName | undefined;
  metric: string;
  threshold: string;
}

export type K6Variant = 'audited' | 'optimized';
const VARIANTS: readonly string[] = ['audited', 'optimized'];

// Request names of the in-process scenario (scenarios/http-load.ts) and of the k6 scripts.
const ENDPOINTS: Record<string, K6EndpointName> = {
  listing: 'list_sessions',
  list_sessions: 'list_sessions',
  detail: 'session_detail',
  session_detail: 'session_detail',
  actions: 'actions_by_tags',
  actions_by_tags: 'actions_by_tags',
  health: 'health',
  create_session: 'create_session',
  start_session: 'start_session',
  stream_session: 'stream_session',
};

// A stat written into the metric name (`http.listing.optimized.p95: { value: '< 500ms' }`).
const NAME_STATS: readonly string[] = ['p50', 'p90', 'p95', 'p99', 'max', 'min', 'mean'];
const LATENCY_STATS: readonly string[] = [...NAME_STATS, 'count'];

/** Errors as k6 counts them: a share becomes a rate of http_req_failed, a number a count of failed requests. */
function errorsThreshold(budget: string, stat: BudgetStat, expr: ThresholdExpr, endpoint: K6EndpointName | undefined): K6Threshold {
  const parsed = parseThreshold(stat, expr);
  const percent = typeof parsed !== 'string' && parsed.unit === 'percent';
  const tag = endpoint === undefined ? '' : `name:${endpoint},`;
  return percent
    ? {
        budget,
        stat,
        endpoint,
        metric: endpoint === undefined ? 'http_req_failed' : `http_req_failed{name:${endpoint}}`,
        threshold: toK6Threshold('value', expr),
      }
    : { budget, stat, endpoint, metric: `http_reqs{${tag}expected_response:false}`, threshold: toK6Threshold('count', expr) };
}

/**
 * Maps one budget (name, stat, threshold) onto the k6 metric that measures the same thing, with
 * harness/budgets toK6Threshold. Understands `http.<request>[.<variant>][.<stat>|.ttfb]`,
 * `http[.<variant>].errors`, `http.<request>[.<variant>].errors` and `http.checks`. Budgets of the
 * other engine variant give 'other-variant' (k6 loads one deployed variant); names k6 cannot
 * observe (engine internals, request counts, rates) give undefined.
 */
export function toK6Budget(
  budget: string,
  stat: BudgetStat,
  expr: ThresholdExpr,
  variant: K6Variant,
): K6Threshold | 'other-variant' | undefined {
  const parts = budget.split('.');
  if (parts[0] !== 'http') return undefined;
  let rest = parts.slice(1);
  const named = rest.filter((p) => VARIANTS.includes(p));
  if (named.some((v) => v !== variant)) return 'other-variant';
  rest = rest.filter((p) => !VARIANTS.includes(p));
  let effective = stat;
  const last = rest.at(-1);
  if (last !== undefined && NAME_STATS.includes(last)) {
    // A stat in the name takes a plain `value` threshold; anything else is ambiguous.
    if (stat !== 'value') return undefined;
    effective = last as BudgetStat;
    rest = rest.slice(0, -1);
  }
  const ttfb = rest.at(-1) === 'ttfb';
  if (ttfb) rest = rest.slice(0, -1);
  const [first, second] = rest;
  if (rest.length === 1 && first === 'errors' && !ttfb) return errorsThreshold(budget, stat, expr, undefined);
  if (rest.length === 1 && first === 'checks' && !ttfb)
    return { budget, stat, endpoint: undefined, metric: 'checks', threshold: toK6Threshold('value', expr) };
  const endpoint = first === undefined ? undefined : ENDPOINTS[first];
  if (endpoint === undefined) return undefined;
  if (rest.length === 2 && second === 'errors' && !ttfb) return errorsThreshold(budget, stat, expr, endpoint);
  if (rest.length !== 1 || !LATENCY_STATS.includes(effective)) return undefined;
  const metric = `${ttfb ? 'http_req_waiting' : 'http_req_duration'}{name:${endpoint}}`;
  return { budget, stat, endpoint, metric, threshold: toK6Threshold(effective, expr) };
}
