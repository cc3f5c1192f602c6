export { runScenarios, budgetsFor } from './run.js';
export type { RunOptions } from './run.js';
export { runScenario, SCENARIO_RUN_DEFAULTS } from './run-scenario.js';
export type { BudgetEvaluator, ScenarioOutcome } from './run-scenario.js';
export { createDataProvider } from './data.js';
export type { SeedFn } from './data.js';
export { basicEnvironment, collectEnvironment } from './environment.js';
export { defaultOutDir, writeResult, pointLatest, OUTPUT_DEFAULTS } from './output.js';
