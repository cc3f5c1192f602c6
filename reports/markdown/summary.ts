/** Executive summary, claims check and budgets: the parts a CI job summary reader needs first. */
import type { BudgetResult, RunResult, Verdict } from '../../harness/result/index.js';
import { budgetOutcome, NOT_JUDGEABLE, tallyBudgets } from '../internal/budgets.js';
import { CLASS_MEANING, claimsByClass, claimTally, classOf, methodText } from '../internal/claims.js';
import { rowLabel, untrustedRows, untrustedText } from '../internal/calibration.js';
import { mdCode, mdText } from '../internal/escape.js';
import { fmtDuration, fmtValue, num } from '../internal/format.js';
import { allBudgets, anchors } from '../internal/select.js';
import { anchor, table } from './blocks.js';

const VERDICT: Record<Verdict, string> = {
  confirmed: '✅ confirmed',
  refuted: '❌ refuted',
  inconclusive: '❔ inconclusive',
  'premise-false': '⚠️ premise false',
};

function budgetLine(budgets: BudgetResult[]): string {
  if (budgets.length === 0) return 'no budgets declared';
  const t = tallyBudgets(budgets);
  const nj = t.notJudgeable === 0 ? '' : `, ${t.notJudgeable} not judgeable`;
  if (t.failed > 0) return `**${t.failed} of ${t.total} budgets failed** (${t.met}/${t.total} met${nj})`;
  return t.notJudgeable === 0 ? `all ${t.total} budgets met` : `${t.met}/${t.total} budgets met${nj}`;
}

function calibrationLine(result: RunResult): string {
  const cal = result.calibration;
  if (cal === undefined) return 'no calibration';
  const outside = untrustedRows(cal).length;
  if (outside > 0) return `[**calibration: ${outside} enforced row(s) OUTSIDE bounds**](#${anchors.calibration})`;
  return `[calibration](#${anchors.calibration}) ${cal.rows.filter((r) => r.withinBounds).length}/${cal.rows.length} within bounds`;
}

function limits(result: RunResult): string[] {
  const cap = result.capacity;
  if (cap === null) {
    return ['- No capacity model in this run (the concurrency sweep did not run), so no measured session limit is reported.'];
  }
  const out: string[] = [];
  if (cap.knee === null) out.push(`- **Throughput knee:** not found within the ${cap.levels.length} concurrency levels swept.`);
  else {
    out.push(
      `- **Throughput knee:** ${num(cap.knee.concurrency)} concurrent sessions at ${fmtValue(cap.knee.throughput, cap.levels[0]?.throughputUnit ?? 'sessions/s')} (${mdText(cap.knee.method)}; ${cap.levels.length} levels) — [capacity model](#${anchors.capacity})`,
    );
  }
  if (cap.usl !== null) {
    const peak =
      cap.usl.peakConcurrency === null
        ? 'no retrograde region (κ = 0)'
        : `peak N* = ${num(cap.usl.peakConcurrency)} sessions${cap.usl.peakThroughput === null ? '' : ` at ${num(cap.usl.peakThroughput)}/s`}`;
    out.push(`- **Universal Scalability Law fit:** ${peak}; σ = ${num(cap.usl.sigma)}, κ = ${num(cap.usl.kappa)}, R² = ${num(cap.usl.r2)}`);
  }
  for (const [name, c] of Object.entries(cap.projections))
    out.push(`- **Projection** ${mdCode(name)}: ${fmtValue(c.value, c.unit)} (at the knee)`);
  return out;
}

function priorityRanking(result: RunResult): string {
  if (result.findings.length === 0) return '_No findings in this run._';
  return [...result.findings]
    .sort((a, b) => a.rank - b.rank)
    .map(
      (f) => `${f.rank}. **${f.priority}** ${mdText(f.title)}: ${mdText(f.measuredImpact.summary)} — [details](#${anchors.finding(f.id)})`,
    )
    .join('\n');
}

export function executiveSummary(result: RunResult): string {
  const env = result.environment;
  const status = result.status === 'passed' ? '✅ passed' : `❌ ${result.status}`;
  const overall = [
    status,
    budgetLine(allBudgets(result)),
    claimTally(result.claims),
    calibrationLine(result),
    result.trusted ? 'results trusted' : '**results untrusted**',
    `exit code ${result.exitCode}`,
  ].join(' · ');
  const parts = [
    '## Executive Summary',
    `**Overall:** ${overall}\n\nProfile ${mdCode(result.profile)}, seed ${env.seed}, ${result.scenarios.length} scenarios, ${fmtDuration(result.durationMs)}, commit ${mdCode(env.gitCommit ?? 'n/a')}. Every figure below was measured in this run; percentiles come with their sample size (n) and spread.`,
  ];
  if (!result.trusted && result.untrustedReasons.length > 0)
    parts.push(`> ⚠️ Untrusted: ${result.untrustedReasons.map(mdText).join('; ')}`);
  if (result.error !== undefined) parts.push(`> ❌ ${mdCode(result.error.code)}: ${mdText(result.error.message)}`);
  const outside = untrustedRows(result.calibration);
  if (outside.length > 0) {
    const rows = outside.map((r) => `${mdText(rowLabel(r))}: ${mdText(untrustedText(r))}`);
    parts.push(
      `> ❌ **Calibration failed:** ${outside.length} enforced row(s) outside bounds, so loadlab's own figures cannot be trusted in this run (exit code 6): ${rows.join('; ')} — [calibration](#${anchors.calibration})`,
    );
  }
  const budgets = allBudgets(result);
  const failed = budgets.filter((b) => budgetOutcome(b) === 'fail');
  if (failed.length > 0) {
    parts.push(
      `**Failed budgets:**\n${failed.map((b) => `- ${mdCode(b.name)}: ${mdText(b.threshold)}, measured ${fmtValue(b.measured, b.unit)}`).join('\n')}`,
    );
  }
  const notJudgeable = budgets.filter((b) => budgetOutcome(b) === 'not-judgeable');
  if (notJudgeable.length > 0) {
    parts.push(
      `**Budgets not judgeable** (a percentile from too few samples; neither passed nor failed):\n${notJudgeable.map((b) => `- ${mdCode(b.name)}: ${mdText(b.threshold)}${b.message === undefined ? '' : `, ${mdText(b.message)}`}`).join('\n')}`,
    );
  }
  parts.push(`**Measured Scalability Limits:**\n${limits(result).join('\n')}`);
  parts.push(`**Priority Ranking** (by measured impact):\n\n${priorityRanking(result)}`);
  parts.push('**Report files:** [audit.html](audit.html) (charts) · [audit.json](audit.json) (all data) · [junit.xml](junit.xml)');
  return parts.join('\n\n');
}

export function claimsCheck(result: RunResult): string {
  const head =
    `## Claims Check\n${anchor(anchors.claims)}\n\nEach quantitative claim of the 2025-12-22 audit, as a checkable bound, against this run's measurement. ` +
    'Claims are grouped by what their verdict rests on:';
  if (result.claims.length === 0) return `${head}\n\n_No claims were checked in this run._`;
  const present = new Set(result.claims.map(classOf));
  const legend = Object.entries(CLASS_MEANING)
    .filter(([k]) => present.has(k as ReturnType<typeof classOf>))
    .map(([k, v]) => `- **${k}**: ${mdText(v)}`)
    .join('\n');
  const scenarios = new Set(result.scenarios.map((s) => s.name));
  const rows = claimsByClass(result.claims).map((c) => [
    classOf(c),
    mdText(c.id),
    mdText(c.claim),
    mdText(c.section),
    mdText(methodText(c)),
    mdText(c.expected),
    `${fmtValue(c.measured.value, c.measured.unit)}: ${mdText(c.measured.summary)}`,
    c.verdictReason === undefined ? VERDICT[c.verdict] : `${VERDICT[c.verdict]} (${mdText(c.verdictReason)})`,
    scenarios.has(c.scenario) ? `[${mdText(c.scenario)}](#${anchors.scenario(c.scenario)})` : mdText(c.scenario),
  ]);
  return (
    `${head}\n\n${legend}\n\n**${mdText(claimTally(result.claims))}.**\n\n` +
    table(['Evidence class', 'ID', 'Claim', 'Audit section', 'Method', 'Expected', 'Measured', 'Verdict', 'Scenario'], rows)
  );
}

export function budgetsTable(result: RunResult): string {
  const budgets = allBudgets(result);
  const head = `## Budgets\n${anchor(anchors.budgets)}`;
  if (budgets.length === 0) return `${head}\n\n_No budgets were declared for this run._`;
  const rows = budgets.map((b) => {
    const outcome = budgetOutcome(b);
    const message = b.message === undefined ? '' : `: ${mdText(b.message)}`;
    return [
      mdCode(b.name),
      b.scenario === null ? 'run' : `[${mdText(b.scenario)}](#${anchors.scenario(b.scenario)})`,
      mdText(b.threshold),
      outcome === 'not-judgeable' ? 'not shown (n too small)' : fmtValue(b.measured, b.unit),
      outcome === 'pass' ? '✅ pass' : outcome === 'fail' ? `❌ fail${message}` : `⏭️ ${NOT_JUDGEABLE}${message}`,
    ];
  });
  const t = tallyBudgets(budgets);
  const tally = `${t.met}/${t.total} met, ${t.failed} failed${t.notJudgeable === 0 ? '' : `, ${t.notJudgeable} not judgeable (a percentile from too few samples: neither passed nor failed)`}.`;
  return `${head}\n\n${tally}\n\n${table(['Budget', 'Scenario', 'Threshold', 'Measured', 'Result'], rows)}`;
}
