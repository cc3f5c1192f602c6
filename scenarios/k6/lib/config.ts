import type { Options, Scenario } from 'k6/options';
import type { K6Config, K6ScriptName } from '../../../harness/k6/types.js';

// open() works only in the init context and resolves relative to the running script: the
// bundle `loadlab k6 export` writes reads the config.json written next to it.
const CONFIG = JSON.parse(open(__ENV.LOADLAB_CONFIG ?? './config.json')) as K6Config;

/** Base URL; LOADLAB_TARGET overrides the exported one (one ConfigMap, many targets). */
export const TARGET = (__ENV.LOADLAB_TARGET ?? CONFIG.target).replace(/\/+$/, '');

/** Bearer tokens; LOADLAB_TOKEN (comma-separated) overrides the exported ones. */
export const TOKENS: readonly string[] =
  __ENV.LOADLAB_TOKEN === undefined
    ? CONFIG.tokens
    : __ENV.LOADLAB_TOKEN.split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');

export const TAG_IDS: readonly string[] = CONFIG.tagIds;
export const STREAM_TIMEOUT = CONFIG.streamTimeout;

/**
 * k6 options of one script: its arrival-rate scenarios and the thresholds generated from the
 * loadlab budgets. A threshold that fails makes k6 exit 99.
 */
export function optionsFor(script: K6ScriptName): Options {
  const planned = CONFIG.scripts[script];
  const scenarios: { [name: string]: Scenario } = {};
  for (const exec of Object.keys(planned.scenarios)) {
    const load = planned.scenarios[exec];
    if (load === undefined) continue;
    // A stream iteration lasts a whole deliberation: let it finish instead of k6's default 30 s.
    scenarios[exec] = exec === 'sessionStream' ? { ...load, exec, gracefulStop: STREAM_TIMEOUT } : { ...load, exec };
  }
  return {
    scenarios,
    thresholds: planned.thresholds,
    // The same statistics loadlab reports (count, p50, p90, p95, p99, max).
    summaryTrendStats: ['count', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
    setupTimeout: '2m',
  };
}
