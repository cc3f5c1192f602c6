import type { BudgetResult, Environment, ExitCode, Measurements, RunResult, RunStatus, ScenarioResult } from './types.js';
import { EXIT_CODES, RUN_RESULT_SCHEMA_VERSION } from './types.js';

/** A run that has started and holds nothing yet; the runner appends scenarios as they finish. */
export function emptyRunResult(env: Environment): RunResult {
  return {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    environment: env,
    profile: env.profile,
    status: 'passed',
    trusted: true,
    untrustedReasons: [],
    durationMs: 0,
    scenarios: [],
    budgets: [],
    findings: [],
    claims: [],
    capacity: null,
    artifacts: [],
    exitCode: EXIT_CODES.ok,
  };
}

export function emptyMeasurements(): Measurements {
  return { histograms: {}, counters: {}, ratios: {} };
}

export function emptyScenarioResult(meta: { name: string; title: string; auditRef: string }): ScenarioResult {
  return {
    name: meta.name,
    title: meta.title,
    auditRef: meta.auditRef,
    status: 'passed',
    trusted: true,
    untrustedReasons: [],
    durationMs: 0,
    measurements: emptyMeasurements(),
    comparisons: [],
    budgets: [],
    findings: [],
    evidence: { plans: [], samples: [], timelines: [] },
  };
}

export interface RunOutcomeFlags {
  /** The history oracle or an accounting invariant found lost or duplicated data. */
  dataLoss?: boolean;
  /** `compare` found a regression against a baseline. */
  regression?: boolean;
}

/**
 * Derives the exit code from the result. Precedence follows severity: a crash hides everything,
 * data loss matters more than a slow query, and an untrusted run cannot vouch for its budgets.
 */
export function exitCodeFor(result: Pick<RunResult, 'status' | 'trusted' | 'budgets'>, flags: RunOutcomeFlags = {}): ExitCode {
  // An interrupted run has no complete answer to give, but it is not a crash either.
  if (result.status === 'aborted') return EXIT_CODES.interrupted;
  if (result.status === 'error') return EXIT_CODES.unexpectedError;
  if (flags.dataLoss === true) return EXIT_CODES.dataLoss;
  if (result.budgets.some((b) => !b.passed && b.judgeable !== false)) return EXIT_CODES.budgetFailed;
  if (flags.regression === true) return EXIT_CODES.regression;
  if (!result.trusted) return EXIT_CODES.untrusted;
  return EXIT_CODES.ok;
}

/**
 * Rolls scenario results up into the run: budgets and findings are copied to the top level,
 * findings re-ranked by measured impact, trust and status combined, exit code derived.
 */
export function finalizeRunResult(
  result: RunResult,
  opts: { finishedAt: string; durationMs: number; aborted?: boolean; flags?: RunOutcomeFlags },
): RunResult {
  const budgets: BudgetResult[] = result.scenarios.flatMap((s) => s.budgets);
  const runLevel = result.budgets.filter((b) => b.scenario === null);
  const allBudgets = [...runLevel, ...budgets];
  const findings = result.scenarios
    .flatMap((s) => s.findings)
    .sort((a, b) => b.measuredImpact.score - a.measuredImpact.score)
    .map((f, i) => ({ ...f, rank: i + 1 }));
  const untrusted = result.scenarios.filter((s) => !s.trusted);
  const untrustedReasons = [...result.untrustedReasons, ...untrusted.flatMap((s) => s.untrustedReasons.map((r) => `${s.name}: ${r}`))];
  const status: RunStatus =
    opts.aborted === true
      ? 'aborted'
      : result.scenarios.some((s) => s.status === 'error')
        ? 'error'
        : result.scenarios.some((s) => s.status === 'failed') || allBudgets.some((b) => !b.passed && b.judgeable !== false)
          ? 'failed'
          : 'passed';
  const trusted = untrustedReasons.length === 0;
  // Scenario findings carry the same run-wide rank as the top-level list.
  const rankOf = new Map(findings.map((f) => [`${f.scenario}\u0000${f.id}`, f.rank]));
  const scenarios = result.scenarios.map((s) => ({
    ...s,
    findings: s.findings.map((f) => ({ ...f, rank: rankOf.get(`${f.scenario}\u0000${f.id}`) ?? f.rank })),
  }));
  const next: RunResult = {
    ...result,
    scenarios,
    environment: { ...result.environment, finishedAt: opts.finishedAt },
    durationMs: opts.durationMs,
    budgets: allBudgets,
    findings,
    untrustedReasons,
    trusted,
    status,
  };
  return { ...next, exitCode: exitCodeFor(next, opts.flags) };
}
