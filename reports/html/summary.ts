/** HTML summary cards, claims check, budgets, recommendations and environment. */
import type { RunResult, Verdict } from '../../harness/result/index.js';
import { CLASS_MEANING, claimsByClass, claimTally, classOf, methodText } from '../internal/claims.js';
import { diskSummary } from '../internal/disk.js';
import { GENERATOR_COLUMNS, generatorRows } from '../internal/generator.js';
import { budgetOutcome, NOT_JUDGEABLE, tallyBudgets } from '../internal/budgets.js';
import { untrustedRows } from '../internal/calibration.js';
import { escapeHtml as h } from '../internal/escape.js';
import { fmtDuration, fmtValue, num } from '../internal/format.js';
import { PERCENTILE_LEGEND } from '../internal/percentile.js';
import { allBudgets, anchors, evidenceHref } from '../internal/select.js';
import { htmlTable } from './table.js';

const VERDICT: Record<Verdict, string> = {
  confirmed: '<span class="ok">confirmed</span>',
  refuted: '<span class="bad">refuted</span>',
  inconclusive: '<span class="warn">inconclusive</span>',
  'premise-false': '<span class="warn">premise false</span>',
};

function card(label: string, value: string, detail: string, tone: 'ok' | 'bad' | 'warn' | 'plain' = 'plain'): string {
  return `<div class="card ${tone}"><div class="card-label">${h(label)}</div><div class="card-value">${value}</div><div class="card-detail">${detail}</div></div>`;
}

function budgetCard(result: RunResult): string {
  const t = tallyBudgets(allBudgets(result));
  const nj = t.notJudgeable === 0 ? '' : `${t.notJudgeable} not judgeable (n too small)`;
  const detail = t.failed > 0 ? [`${t.failed} failed`, nj] : [t.notJudgeable === 0 ? 'all met' : '', nj];
  const tone = t.failed > 0 ? 'bad' : t.notJudgeable > 0 ? 'warn' : 'ok';
  return card('Budgets', `${t.met}/${t.total}`, h(detail.filter((x) => x !== '').join(' · ')), tone);
}

function calibrationCard(result: RunResult): string {
  const cal = result.calibration;
  const link = `<a href="#${anchors.calibration}">details</a>`;
  if (cal === undefined) return card('Calibration', 'none', 'no calibration in this run', 'plain');
  const outside = untrustedRows(cal).length;
  const within = cal.rows.filter((r) => r.withinBounds).length;
  const detail =
    outside > 0 ? `${outside} enforced row(s) OUTSIDE bounds · ${link}` : `rows within bounds; all enforced rows inside · ${link}`;
  return card('Calibration', `${within}/${cal.rows.length}`, detail, outside > 0 ? 'bad' : cal.rows.length > 0 ? 'ok' : 'plain');
}

export function summaryCards(result: RunResult): string {
  const by = (v: Verdict): number => result.claims.filter((c) => c.verdict === v).length;
  const cap = result.capacity;
  const top = [...result.findings].sort((a, b) => a.rank - b.rank)[0];
  return `<div class="cards">${[
    card(
      'Run',
      h(result.status),
      `exit code ${result.exitCode} · ${result.trusted ? 'trusted' : 'untrusted'} · ${h(fmtDuration(result.durationMs))}`,
      result.status === 'passed' && result.trusted ? 'ok' : 'bad',
    ),
    budgetCard(result),
    calibrationCard(result),
    card(
      'Audit claims',
      `${by('confirmed')} / ${by('refuted')} / ${by('inconclusive')} / ${by('premise-false')}`,
      `confirmed / refuted / inconclusive / premise false<br>${h(claimTally(result.claims))}`,
    ),
    card(
      'Knee',
      cap?.knee == null ? 'n/a' : `${h(num(cap.knee.concurrency))} sessions`,
      cap?.knee == null ? 'no capacity model' : h(fmtValue(cap.knee.throughput, cap.levels[0]?.throughputUnit ?? 'sessions/s')),
      'plain',
    ),
    card(
      'Top finding',
      top === undefined ? 'none' : `${h(top.priority)} #${top.rank}`,
      top === undefined ? '' : `<a href="#${anchors.finding(top.id)}">${h(top.title)}</a>`,
      top?.priority === 'P0' ? 'bad' : 'plain',
    ),
  ].join('')}</div>`;
}

export function claimsHtml(result: RunResult): string {
  if (result.claims.length === 0) return '<p class="empty">No claims were checked in this run.</p>';
  const present = new Set(result.claims.map(classOf));
  const legend = Object.entries(CLASS_MEANING)
    .filter(([k]) => present.has(k as ReturnType<typeof classOf>))
    .map(([k, v]) => `<li><strong>${h(k)}</strong>: ${h(v)}</li>`)
    .join('');
  const scenarios = new Set(result.scenarios.map((s) => s.name));
  const table = htmlTable(
    ['Evidence class', 'ID', 'Claim (audit 2025-12-22)', 'Section', 'Method', 'Expected', 'Measured', 'Verdict'],
    claimsByClass(result.claims).map((c) => [
      h(classOf(c)),
      h(c.id),
      h(c.claim),
      h(c.section),
      h(methodText(c)),
      h(c.expected),
      `${h(fmtValue(c.measured.value, c.measured.unit))}<br><span class="muted">${h(c.measured.summary)} · ${scenarios.has(c.scenario) ? `<a href="#${anchors.scenario(c.scenario)}">${h(c.scenario)}</a>` : h(c.scenario)}</span>`,
      `${VERDICT[c.verdict]}${c.verdictReason === undefined ? '' : `<br><span class="muted">${h(c.verdictReason)}</span>`}`,
    ]),
  );
  return `<p>Claims are grouped by what their verdict rests on:</p><ul>${legend}</ul><p><strong>${h(claimTally(result.claims))}.</strong></p>${table}`;
}

export function budgetsHtml(result: RunResult): string {
  const budgets = allBudgets(result);
  if (budgets.length === 0) return '<p class="empty">No budgets were declared for this run.</p>';
  const t = tallyBudgets(budgets);
  const tally = `<p>${t.met}/${t.total} met, ${t.failed} failed${t.notJudgeable === 0 ? '' : `, ${t.notJudgeable} not judgeable (a percentile from too few samples: neither passed nor failed)`}.</p>`;
  return (
    tally +
    htmlTable(
      ['Budget', 'Scenario', 'Threshold', 'Measured', 'Result'],
      budgets.map((b) => {
        const outcome = budgetOutcome(b);
        const message = b.message === undefined ? '' : ` ${h(b.message)}`;
        return [
          `<code>${h(b.name)}</code>`,
          b.scenario === null ? 'run' : `<a href="#${anchors.scenario(b.scenario)}">${h(b.scenario)}</a>`,
          h(b.threshold),
          outcome === 'not-judgeable' ? '<span class="muted">not shown (n too small)</span>' : h(fmtValue(b.measured, b.unit)),
          outcome === 'pass'
            ? '<span class="ok">pass</span>'
            : outcome === 'fail'
              ? `<span class="bad">fail</span>${message}`
              : `<span class="warn">${h(NOT_JUDGEABLE)}</span>${b.message === undefined ? '' : `<br><span class="muted">${h(b.message)}</span>`}`,
        ];
      }),
      [3],
    )
  );
}

export function findingsHtml(result: RunResult): string {
  if (result.findings.length === 0) return '<p class="empty">No findings in this run.</p>';
  const rows = [...result.findings]
    .sort((a, b) => a.rank - b.rank)
    .map((f) => [
      num(f.rank),
      `<span class="prio ${h(f.priority)}">${h(f.priority)}</span>`,
      `<span id="${anchors.finding(f.id)}"><strong>${h(f.title)}</strong></span><br><span class="muted">${h(f.id)} · audit ${h(f.auditRef)}</span>`,
      `${h(f.measuredImpact.summary)}<br><span class="muted">score ${h(num(f.measuredImpact.score))}</span>`,
      h(f.recommendation),
      f.evidence.map((e) => `<a href="${h(evidenceHref(e, f.scenario))}">${h(`${e.kind}: ${e.ref}`)}</a>`).join('<br>'),
    ]);
  return htmlTable(['Rank', 'Priority', 'Finding', 'Measured impact', 'Recommendation', 'Evidence'], rows, [0]);
}

export function environmentHtml(result: RunResult): string {
  const e = result.environment;
  const rows: [string, string][] = [
    ['loadlab', `${e.loadlabVersion} (commit ${e.gitCommit ?? 'n/a'})`],
    ['Node.js / OS', `${e.node} / ${e.os}`],
    ['CPU / memory', `${e.cpus.count} × ${e.cpus.model} / ${fmtValue(e.memory.totalBytes, 'bytes')}`],
    ['PostgreSQL', e.postgres === null ? 'not used' : `${e.postgres.version} (${e.postgres.source})`],
    ['Redis', e.redis === null ? 'not used' : `${e.redis.version} (${e.redis.source})`],
    ['Profile / seed', `${e.profile} / ${e.seed}`],
    [
      'Statement modes',
      Object.entries(e.statementModes ?? {})
        .map(([variant, mode]) => `${variant}: ${mode}`)
        .join(', ') || 'not recorded',
    ],
    ['Mock LLM time scale', e.timeScale === 1 ? '1 (real time)' : `${num(e.timeScale)}; durations converted back to real time`],
    ['Started / finished', `${e.startedAt} / ${e.finishedAt ?? 'not finished'}`],
    ['Disk', diskSummary(e.disk)],
    ['Peak memory (harness process)', e.peakRssBytes === undefined ? 'not recorded' : fmtValue(e.peakRssBytes, 'bytes')],
  ];
  const method = `Latencies come from HDR histograms and are shown as percentiles with their sample count n. ${PERCENTILE_LEGEND} Before/after pairs ran on identically seeded databases. Charts draw stored figures only: the USL curve evaluates the fitted model, it does not refit it.`;
  const headroom = generatorRows(result.scenarios);
  const generator =
    headroom.length === 0
      ? ''
      : `<h3>Load generator headroom</h3><p>The harness's own event-loop delay and CPU in each scenario, beside the self-check's limits (over a limit, the scenario is untrusted).</p>${htmlTable(
          GENERATOR_COLUMNS,
          headroom.map((r) => r.map(h)),
        )}`;
  return `${htmlTable(
    ['', ''],
    rows.map(([k, v]) => [`<strong>${h(k)}</strong>`, h(v)]),
  )}<p>${h(method)}</p>${generator}`;
}
