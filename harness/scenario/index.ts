export { defineScenario } from './define.js';
export { loadScenarios, loadScenarioFile, selectScenarios, REGISTRY_DEFAULTS } from './registry.js';
export type {
  AnyScenario,
  BudgetTable,
  DataProvider,
  ScenarioContext,
  ScenarioDatabase,
  ScenarioDefinition,
  ScenarioReport,
} from './types.js';
