import { createRequire } from 'node:module';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';

const INSTALL_HINT =
  'clinic is an optional dependency (~150 MB): install it with `npm install clinic@13 --save-optional`, or run `npm ci` without `--omit=optional`; or pass --clinic <path to clinic/bin.js>';

/**
 * The clinic CLI script: the one given, or the `clinic` package next to loadlab. A missing install
 * is a config error (exit 2) with the command that fixes it, never a stack trace.
 */
export function resolveClinic(explicit?: string, require: NodeJS.Require = createRequire(import.meta.url)): string {
  if (explicit !== undefined) {
    try {
      return require.resolve(path.resolve(explicit));
    } catch (cause) {
      throw new LoadlabError(HARNESS_ERRORS.CLINIC_MISSING, `clinic not found at ${explicit}`, {
        cause,
        hint: INSTALL_HINT,
      });
    }
  }
  try {
    return require.resolve('clinic/bin.js');
  } catch (cause) {
    throw new LoadlabError(HARNESS_ERRORS.CLINIC_MISSING, 'clinic is not installed', { cause, hint: INSTALL_HINT });
  }
}

/**
 * Deletes node_trace.*.log files in `dir`: a bubbleprof (or crashed doctor) run leaves them, and
 * every clinic tool then refuses to start until they are gone. Returns the names removed.
 */
export function removeStaleTraceLogs(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => /^node_trace\.\d+\.log$/.test(f));
  } catch {
    return [];
  }
  for (const f of names) rmSync(path.join(dir, f), { force: true });
  return names;
}
