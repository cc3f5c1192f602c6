/**
 * A budget's outcome as the reports show it. A budget on a percentile from too few samples
 * (`judgeable: false`) neither passed nor failed: it is counted apart in every summary.
 */
import type { BudgetResult } from '../../harness/result/index.js';

export type BudgetOutcome = 'pass' | 'fail' | 'not-judgeable';

export function budgetOutcome(b: BudgetResult): BudgetOutcome {
  if (b.judgeable === false) return 'not-judgeable';
  return b.passed ? 'pass' : 'fail';
}

export interface BudgetTally {
  total: number;
  met: number;
  failed: number;
  notJudgeable: number;
}

export function tallyBudgets(budgets: readonly BudgetResult[]): BudgetTally {
  const count = (o: BudgetOutcome): number => budgets.filter((b) => budgetOutcome(b) === o).length;
  return { total: budgets.length, met: count('pass'), failed: count('fail'), notJudgeable: count('not-judgeable') };
}

/** "2/3 met, 1 not judgeable" (plain text; callers escape or emphasise). */
export function tallyText(t: BudgetTally): string {
  return `${t.met}/${t.total} met${t.notJudgeable === 0 ? '' : `, ${t.notJudgeable} not judgeable`}`;
}

export const NOT_JUDGEABLE = 'not judgeable (n too small)';
