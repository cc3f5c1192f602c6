import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LoadlabError } from '../../engine/errors/index.js';
import { HARNESS_ERRORS } from '../errors/index.js';
import type { AnyScenario } from './types.js';

export const REGISTRY_DEFAULTS = {
  dir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scenarios'),
} as const;

function isScenario(value: unknown): value is AnyScenario {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AnyScenario).name === 'string' &&
    typeof (value as AnyScenario).run === 'function'
  );
}

/** Loads every scenario exported by a `.ts` file of `dir` (one file, one scenario), sorted by file name. */
export async function loadScenarios(dir: string = REGISTRY_DEFAULTS.dir): Promise<AnyScenario[]> {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
    .sort();
  const out: AnyScenario[] = [];
  for (const file of files) out.push(...(await loadScenarioFile(path.join(dir, file))));
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.name)) throw new LoadlabError(HARNESS_ERRORS.SCENARIO_INVALID, `two scenarios are named "${s.name}"`);
    seen.add(s.name);
  }
  return out;
}

export async function loadScenarioFile(file: string): Promise<AnyScenario[]> {
  const mod = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  return Object.values(mod).filter(isScenario);
}

/**
 * Picks scenarios by name (or by path to a scenario file, for scenarios kept outside the
 * catalogue); unknown names are a usage error that lists the known ones.
 */
export async function selectScenarios(requested: readonly string[], catalogue: readonly AnyScenario[]): Promise<AnyScenario[]> {
  const picked: AnyScenario[] = [];
  const unknown: string[] = [];
  for (const req of requested) {
    if (req.endsWith('.ts') && fs.existsSync(req)) {
      picked.push(...(await loadScenarioFile(req)));
      continue;
    }
    const s = catalogue.find((c) => c.name === req);
    if (s === undefined) unknown.push(req);
    else picked.push(s);
  }
  if (unknown.length > 0) {
    throw new LoadlabError(HARNESS_ERRORS.SCENARIO_UNKNOWN, `unknown scenario ${unknown.map((u) => `"${u}"`).join(', ')}`, {
      hint:
        catalogue.length === 0
          ? 'no scenario is registered yet'
          : `known scenarios: ${catalogue.map((c) => c.name).join(', ')} (see loadlab list)`,
    });
  }
  return picked;
}
