/**
 * junit.xml: one test case per budget, grouped into one suite per scenario, so CI systems that
 * read JUnit (GitHub test reporters, GitLab, Jenkins) list every budget and show each breach. A
 * budget that is not judgeable (a percentile from too few samples) is a skipped test case: it
 * neither passed nor failed.
 */
import type { BudgetResult, RunResult } from '../harness/result/index.js';
import { budgetOutcome, NOT_JUDGEABLE, tallyBudgets } from './internal/budgets.js';
import { escapeXml } from './internal/escape.js';
import { fmtValue } from './internal/format.js';
import { allBudgets } from './internal/select.js';

const RUN_SUITE = 'run';

function failureMessage(b: BudgetResult): string {
  const measured = b.measured === null ? 'measurement missing' : `measured ${b.stat} ${fmtValue(b.measured, b.unit)}`;
  return `${measured}, threshold ${b.threshold}${b.message === undefined ? '' : ` (${b.message})`}`;
}

function testcase(b: BudgetResult, suite: string): string {
  const attrs = `classname="loadlab.${escapeXml(suite)}" name="${escapeXml(`${b.name} ${b.threshold}`)}" time="0"`;
  const outcome = budgetOutcome(b);
  if (outcome === 'pass') return `    <testcase ${attrs}/>`;
  if (outcome === 'not-judgeable') {
    const message = `${NOT_JUDGEABLE}${b.message === undefined ? '' : `: ${b.message}`}`;
    return `    <testcase ${attrs}>\n      <skipped message="${escapeXml(message)}"/>\n    </testcase>`;
  }
  const message = failureMessage(b);
  const body = [
    `budget: ${b.name}`,
    `scenario: ${b.scenario ?? RUN_SUITE}`,
    `threshold: ${b.threshold} (${b.stat} ${b.operator} ${b.limit} ${b.unit})`,
    `measured: ${b.measured === null ? 'missing' : `${b.measured} ${b.unit}`}`,
  ].join('\n');
  return `    <testcase ${attrs}>\n      <failure message="${escapeXml(message)}" type="budget">${escapeXml(body)}</failure>\n    </testcase>`;
}

export function renderJunit(result: RunResult): string {
  const budgets = allBudgets(result);
  const suites = new Map<string, BudgetResult[]>();
  for (const b of budgets) {
    const key = b.scenario ?? RUN_SUITE;
    suites.set(key, [...(suites.get(key) ?? []), b]);
  }
  const durations = new Map(result.scenarios.map((s) => [s.name, s.durationMs]));
  const all = tallyBudgets(budgets);
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  const body = [...suites].map(([name, list]) => {
    const t = tallyBudgets(list);
    const time = seconds(durations.get(name) ?? 0);
    return [
      `  <testsuite name="${escapeXml(name)}" tests="${t.total}" failures="${t.failed}" errors="0" skipped="${t.notJudgeable}" time="${time}" timestamp="${escapeXml(result.environment.startedAt)}">`,
      ...list.map((b) => testcase(b, name)),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="loadlab audit (${escapeXml(result.profile)})" tests="${all.total}" failures="${all.failed}" errors="0" skipped="${all.notJudgeable}" time="${seconds(result.durationMs)}">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
