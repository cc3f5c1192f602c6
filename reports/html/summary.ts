/** HTML summary cards, claims check, budgets, recommendations and environment. */
import type { RunResult, Verdict } from '../../harness/result/index.js';
import { escapeHtml as h } from '../internal/escape.js';
import { fmtDuration, fmtValue, num } from '../internal/format.js';
import { allBudgets, anchors, evidenceHref } from '../internal/select.js';
import { htmlTable } from './table.js';

const VERDICT: Record<Verdict, string> = {
  confirmed: '<span class="ok">confirmed</span>', refuted: '<span class="bad">refuted</span>', inconclusive: '<span class="warn">inconclusive</span>',
};

function card(label: string, value: string, detail: string, tone: 'ok' | 'bad' | 'warn' | 'plain' = 'plain'): string {
  return `<div class="card ${tone}"><div class="card-label">${h(label)}</div><div class="card-value">${value}</div><div class="card-detail">${detail}</div></div>`;
}

export function summaryCards(result: RunResult): string {
  const budgets = allBudgets(result);
  const failed = budgets.filter((b) => !b.passed).length;
  const by = (v: Verdict): number => result.claims.filter((c) => c.verdict === v).length;
  const cap = result.capacity;
  const top = [...result.findings].sort((a, b) => a.rank - b.rank)[0];
  return `<div class="cards">${[
    card('Run', h(result.status), `exit code ${result.exitCode} · ${result.trusted ? 'trusted' : 'untrusted'} · ${h(fmtDuration(result.durationMs))}`, result.status === 'passed' && result.trusted ? 'ok' : 'bad'),
    card('Budgets', `${budgets.length - failed}/${budgets.length}`, failed === 0 ? 'all met' : `${failed} failed`, failed === 0 ? 'ok' : 'bad'),
    card('Audit claims', `${by('confirmed')} / ${by('refuted')} / ${by('inconclusive')}`, 'confirmed / refuted / inconclusive'),
    card('Knee', cap?.knee == null ? 'n/a' : `${h(num(cap.knee.concurrency))} sessions`, cap?.knee == null ? 'no capacity model' : h(fmtValue(cap.knee.throughput, cap.levels[0]?.throughputUnit ?? 'sessions/s')), 'plain'),
    card('Top finding', top === undefined ? 'none' : `${h(top.priority)} #${top.rank}`, top === undefined ? '' : `<a href="#${anchors.finding(top.id)}">${h(top.title)}</a>`, top?.priority === 'P0' ? 'bad' : 'plain'),
  ].join('')}</div>`;
}

export function claimsHtml(result: RunResult): string {
  if (result.claims.length === 0) return '<p class="empty">No claims were checked in this run.</p>';
  return htmlTable(['ID', 'Claim (audit 2025-12-22)', 'Section', 'Expected', 'Measured', 'Verdict'], result.claims.map((c) => [
    h(c.id), h(c.claim), h(c.section), h(c.expected),
    `${h(fmtValue(c.measured.value, c.measured.unit))}<br><span class="muted">${h(c.measured.summary)} · <a href="#${anchors.scenario(c.scenario)}">${h(c.scenario)}</a></span>`,
    VERDICT[c.verdict],
  ]));
}

export function budgetsHtml(result: RunResult): string {
  const budgets = allBudgets(result);
  if (budgets.length === 0) return '<p class="empty">No budgets were declared for this run.</p>';
  return htmlTable(['Budget', 'Scenario', 'Threshold', 'Measured', 'Result'], budgets.map((b) => [
    `<code>${h(b.name)}</code>`, b.scenario === null ? 'run' : `<a href="#${anchors.scenario(b.scenario)}">${h(b.scenario)}</a>`,
    h(b.threshold), h(fmtValue(b.measured, b.unit)),
    b.passed ? '<span class="ok">pass</span>' : `<span class="bad">fail</span>${b.message === undefined ? '' : ` ${h(b.message)}`}`,
  ]), [3]);
}

export function findingsHtml(result: RunResult): string {
  if (result.findings.length === 0) return '<p class="empty">No findings in this run.</p>';
  const rows = [...result.findings].sort((a, b) => a.rank - b.rank).map((f) => [
    num(f.rank), `<span class="prio ${h(f.priority)}">${h(f.priority)}</span>`,
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
    ['Mock LLM time scale', e.timeScale === 1 ? '1 (real time)' : `${num(e.timeScale)}; durations converted back to real time`],
    ['Started / finished', `${e.startedAt} / ${e.finishedAt ?? 'not finished'}`],
  ];
  const method = 'Latencies come from HDR histograms and are shown as percentiles with their sample count n. Before/after pairs ran on identically seeded databases. Charts draw stored figures only: the USL curve evaluates the fitted model, it does not refit it.';
  return `${htmlTable(['', ''], rows.map(([k, v]) => [`<strong>${h(k)}</strong>`, h(v)]))}<p>${h(method)}</p>`;
}
