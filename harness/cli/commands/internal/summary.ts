import type { RunResult } from '../../../result/index.js';
import { EXIT_CODE_MEANINGS } from '../../exit-codes.js';
import type { Printer } from '../../printer.js';

/**
 * The closing lines of a run: what failed, where the report is, and the exit code's meaning.
 * `exitCode` is the process's (an interrupted run exits with its own code whatever audit.json
 * records).
 */
export function printSummary(printer: Printer, result: RunResult, file: string, exitCode: number = result.exitCode): void {
  printer.result({
    status: result.status,
    exitCode,
    trusted: result.trusted,
    report: file,
    scenarios: result.scenarios.map((s) => ({ name: s.name, status: s.status })),
    failedBudgets: result.budgets
      .filter((b) => !b.passed && b.judgeable !== false)
      .map((b) => ({ name: b.name, scenario: b.scenario, threshold: b.threshold, measured: b.measured, unit: b.unit })),
    claims: result.claims.length,
  });
  const failed = result.budgets.filter((b) => !b.passed && b.judgeable !== false);
  for (const b of failed) {
    printer.line(
      `BUDGET FAILED ${b.scenario ?? 'run'} › ${b.name}: ${b.threshold}, measured ${b.measured === null ? 'nothing' : `${round(b.measured)} ${b.unit}`}${b.message === undefined ? '' : ` (${b.message})`}`,
    );
  }
  if (result.error !== undefined) printer.line(`${result.error.code}: ${result.error.message}`);
  for (const r of result.untrustedReasons) printer.line(`UNTRUSTED ${r}`);
  const notJudgeable = result.budgets.filter((b) => b.judgeable === false);
  for (const b of notJudgeable) printer.line(`BUDGET NOT JUDGEABLE ${b.scenario ?? 'run'} › ${b.name}: ${b.message ?? b.threshold}`);
  const passed = result.scenarios.filter((s) => s.status === 'passed').length;
  const measured = result.claims.filter((c) => c.measured.value !== null);
  const verdicts = (v: string): number => measured.filter((c) => c.verdict === v).length;
  printer.line(
    `${passed}/${result.scenarios.length} scenario(s) passed, ${result.budgets.filter((b) => b.passed).length}/${result.budgets.length} budget(s) met${notJudgeable.length === 0 ? '' : ` (${notJudgeable.length} not judgeable: too few samples)`}, ${measured.length}/${result.claims.length} audit claim(s) measured (${verdicts('confirmed')} confirmed, ${verdicts('refuted')} refuted, ${verdicts('inconclusive')} inconclusive, ${verdicts('premise-false')} premise-false)`,
  );
  printer.line(`report: ${file}`);
  printer.line(`exit ${exitCode}: ${(EXIT_CODE_MEANINGS as Record<number, string>)[exitCode] ?? ''}`);
}

function round(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3);
}
