import type { BudgetSet } from '../budgets/index.js';
import { loadScenarios, type AnyScenario } from '../scenario/index.js';

/** The scenario whose budgets the k6 thresholds share. */
export const HTTP_SCENARIO = 'http-load';

/**
 * The budgets of the in-process `http-load` scenario, found through the scenario registry (harness
 * never imports scenarios). Undefined when the catalogue has no such scenario.
 */
export async function httpScenarioBudgets(load: () => Promise<AnyScenario[]> = loadScenarios): Promise<BudgetSet | undefined> {
  return (await load()).find((s) => s.name === HTTP_SCENARIO)?.budgets;
}
