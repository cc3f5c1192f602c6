import type { Logger } from '../../../../engine/log/index.js';
import { writeReports } from '../../../../reports/index.js';
import { unmeasuredClaims } from '../../../audit/index.js';
import type { Infra } from '../../../infra/index.js';
import {
  emptyRunResult,
  exitCodeFor,
  finalizeRunResult,
  type Profile,
  type ResultError,
  type RunResult,
  type ScenarioResult,
} from '../../../result/index.js';
import { basicEnvironment, writeResult } from '../../../runner/index.js';

export interface PartialRunInput {
  infra: Infra | undefined;
  profile: Profile;
  seed: number;
  startedAt: string;
  /** performance.now() when the run started. */
  startedMs: number;
  /** The scenarios that finished before the run was stopped. */
  scenarios: readonly ScenarioResult[];
  /** Interrupted (status `aborted`) or crashed (status `error`, with `error`). */
  outcome: { kind: 'interrupted' } | { kind: 'crashed'; error: ResultError };
}

/**
 * The result of a run that did not get to finish its own (Ctrl-C during the seeding, a crash):
 * the scenarios that finished, every other claim unmeasured, status `aborted` or `error`. The
 * runner's own partial result is preferred whenever it arrives: it carries the finished scenarios'
 * claims and the servers' versions, which this one cannot ask for any more.
 */
export function partialRunResult(input: PartialRunInput): RunResult {
  const base = emptyRunResult(
    basicEnvironment(input.infra, { profile: input.profile, seed: input.seed, timeScale: 1, startedAt: input.startedAt }),
  );
  base.scenarios.push(...input.scenarios);
  base.claims.push(...unmeasuredClaims([]));
  const finished = finalizeRunResult(base, {
    finishedAt: new Date().toISOString(),
    durationMs: performance.now() - input.startedMs,
    aborted: input.outcome.kind === 'interrupted',
  });
  if (input.outcome.kind === 'interrupted') return finished;
  const crashed: RunResult = { ...finished, status: 'error', error: input.outcome.error };
  return { ...crashed, exitCode: exitCodeFor(crashed) };
}

/**
 * Writes audit.json (synchronously: it is the contract, and a crash handler may have little time
 * left), then the Markdown, HTML and JUnit renderings; a rendering failure is only logged.
 */
export async function writePartialResult(result: RunResult, outDir: string, logger: Logger): Promise<void> {
  writeResult(result, outDir);
  try {
    await writeReports(result, outDir, ['md', 'html', 'junit']);
  } catch (err) {
    logger.warn({ err }, 'could not render the partial reports; audit.json is written');
  }
}
