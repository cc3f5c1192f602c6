import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import { PROFILE_SCENARIOS, PROFILE_TOOLS, type ProfileScenarioName, type ProfileToolName } from './defaults.js';

const TOOLS = Object.keys(PROFILE_TOOLS) as ProfileToolName[];

export function parseTool(value: string): ProfileToolName {
  if ((TOOLS as string[]).includes(value)) return value as ProfileToolName;
  const why =
    value === 'bubbleprof'
      ? 'bubbleprof is not offered: it hangs under load on Node 20 and leaves node_trace.*.log files that stop every clinic tool from starting'
      : `unknown profiling tool "${value}"`;
  throw new LoadlabError(HARNESS_ERRORS.PROFILE_TOOL_UNKNOWN, why, { hint: `use --tool ${TOOLS.join('|')}` });
}

export function parseScenario(value: string): ProfileScenarioName {
  if ((PROFILE_SCENARIOS as readonly string[]).includes(value)) return value as ProfileScenarioName;
  throw new LoadlabError(HARNESS_ERRORS.SCENARIO_UNKNOWN, `loadlab profile cannot drive scenario "${value}"`, {
    hint: `profiling drives the HTTP endpoints of: ${PROFILE_SCENARIOS.join(', ')}`,
  });
}

export function parseDuration(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) {
    throw new LoadlabError(HARNESS_ERRORS.USAGE, `--duration must be a number of seconds in (0, 3600], got "${value}"`);
  }
  return n;
}
