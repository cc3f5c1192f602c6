import { LoadlabError } from '../../engine/errors/index.js';
import { HARNESS_ERRORS } from '../errors/index.js';
import type { ScenarioDefinition } from './types.js';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Declares a scenario; checks the parts a typo would break at run time. */
export function defineScenario<P, S = void>(def: ScenarioDefinition<P, S>): ScenarioDefinition<P, S> {
  const problems: string[] = [];
  if (!NAME.test(def.name)) problems.push(`name "${def.name}" must be kebab-case`);
  if (def.title.trim() === '') problems.push('title is empty');
  if (def.auditRef.trim() === '') problems.push('auditRef is empty');
  for (const p of ['ci', 'default', 'full'] as const) if (def.profiles[p] === undefined) problems.push(`profile ${p} is missing`);
  if (problems.length > 0) {
    throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, `scenario ${def.name}: ${problems.join('; ')}`);
  }
  return Object.freeze(def);
}
