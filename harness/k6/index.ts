/** k6 scripts for distributed HTTP load: budgets as k6 thresholds, config and bundling for `loadlab k6 export`. */
export { K6_ONLY_BUDGETS } from './budgets.js';
export { K6_EXPORT_DEFAULTS, buildK6Config } from './config.js';
export { K6_SOURCE_DIR, exportK6Scripts } from './export.js';
export { toK6Budget } from './mapping.js';
export type { K6Variant } from './mapping.js';
export { K6_SCRIPT_PLANS } from './scripts.js';
export { HTTP_SCENARIO, httpScenarioBudgets } from './source.js';
export { K6_SCRIPTS } from './types.js';
export type { K6Config, K6EndpointName } from './types.js';
