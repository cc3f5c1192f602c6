import type { RunResult } from '../harness/result/index.js';

/** audit.json: the RunResult itself, pretty-printed so diffs between runs stay readable. */
export function renderJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
