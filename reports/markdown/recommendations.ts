/** Sections 7-9: recommendations ranked by measured impact, monitoring gaps, testing. */
import type { Finding, RunResult, ScenarioResult } from '../../harness/result/index.js';
import { tallyBudgets, tallyText } from '../internal/budgets.js';
import { mdCode, mdText } from '../internal/escape.js';
import { fmtDuration, fmtValue, num } from '../internal/format.js';
import { anchors, evidenceHref, PRIORITIES, scenariosInSection, SECTION_TITLES } from '../internal/select.js';
import { anchor, scenarioBlock, statusText, table } from './blocks.js';

const PRIORITY_LABEL: Record<(typeof PRIORITIES)[number], string> = {
  P0: 'P0 (Critical)',
  P1: 'P1 (High)',
  P2: 'P2 (Medium)',
  P3: 'P3 (Low)',
};

function findingBlock(f: Finding): string {
  const evidence = f.evidence.map((e) => `[${mdText(e.kind)}: ${mdText(e.ref)}](${evidenceHref(e, f.scenario)})`);
  const m = f.measuredImpact;
  return [
    `${anchor(anchors.finding(f.id))}**${f.rank}. ${mdText(f.title)}** (${mdCode(f.id)}, audit ${mdText(f.auditRef)}, scenario [${mdText(f.scenario)}](#${anchors.scenario(f.scenario)}))`,
    `- **Measured impact:** ${mdText(m.summary)}; ${mdCode(m.metric)} ${fmtValue(m.value, m.unit)} (impact score ${num(m.score)})`,
    `- **Recommendation:** ${mdText(f.recommendation)}`,
    `- **Evidence:** ${evidence.length === 0 ? 'none recorded' : evidence.join(', ')}`,
  ].join('\n');
}

export function recommendations(result: RunResult): string {
  const head = `## 7. ${SECTION_TITLES[7]}\n\nRanked by measured impact in this run (rank 1 = largest impact score), grouped by priority as in the audit.`;
  if (result.findings.length === 0) return `${head}\n\n_No findings in this run._`;
  const ranked = [...result.findings].sort((a, b) => a.rank - b.rank);
  const rows = ranked.map((f) => [
    num(f.rank),
    f.priority,
    `[${mdText(f.title)}](#${anchors.finding(f.id)})`,
    mdText(f.measuredImpact.summary),
    num(f.measuredImpact.score),
  ]);
  const parts = [head, table(['Rank', 'Priority', 'Finding', 'Measured impact', 'Score'], rows, [0, 4])];
  for (const p of PRIORITIES) {
    const group = ranked.filter((f) => f.priority === p);
    if (group.length > 0) parts.push(`### ${PRIORITY_LABEL[p]}\n\n${group.map(findingBlock).join('\n\n')}`);
  }
  return parts.join('\n\n');
}

/** The audit's §8 list of missing metrics, and name patterns that show this run measured one. */
const GAPS: { gap: string; match: RegExp }[] = [
  { gap: 'Database connection pool utilisation (current/max, waiting)', match: /pool/ },
  { gap: 'Redis memory usage trend', match: /redis[._-](bytes|memory|keys)/ },
  { gap: 'Cost tracker buffer depth and flush frequency', match: /cost[._-]buffer|buffer[._ -]depth/ },
  { gap: 'LLM parallelisation effectiveness (time saved vs serial)', match: /speedup|round\.duration/ },
  { gap: 'Prompt cache hit rates by phase', match: /prompt[._-]?cache|cache[._-]read/ },
  { gap: 'Session eviction rate', match: /evict/ },
];

function measuredNames(s: ScenarioResult): string[] {
  const m = s.measurements;
  return [...Object.keys(m.histograms), ...Object.keys(m.counters), ...Object.keys(m.ratios), ...s.evidence.timelines.map((t) => t.name)];
}

export function monitoringGaps(result: RunResult): string {
  const rows = GAPS.map(({ gap, match }) => {
    const hits = result.scenarios.flatMap((s) =>
      measuredNames(s)
        .filter((n) => match.test(n))
        .map((n) => `[${mdText(n)}](#${anchors.scenario(s.name)})`),
    );
    return [mdText(gap), hits.length === 0 ? '— not measured in this run' : hits.join(', ')];
  });
  return `## 8. ${SECTION_TITLES[8]}\n\nThe audit listed these metrics as missing. loadlab samples them during the run; where a scenario recorded one, it is linked. A gap marked "not measured" is still open.\n\n${table(['Missing metric (audit §8)', 'Measured in this run'], rows)}`;
}

function scenarioRows(result: RunResult): string[][] {
  return result.scenarios.map((s) => [
    `[${mdText(s.name)}](#${anchors.scenario(s.name)})`,
    mdText(s.title),
    mdText(s.auditRef),
    statusText(s.status),
    s.trusted ? 'yes' : '**no**',
    fmtDuration(s.durationMs),
    s.budgets.length === 0 ? '—' : tallyText(tallyBudgets(s.budgets)),
    num(s.findings.length),
  ]);
}

export function testing(result: RunResult): string {
  const parts = [`## 9. ${SECTION_TITLES[9]}`];
  if (result.scenarios.length === 0) parts.push('_No scenario ran._');
  else {
    parts.push(
      `Every scenario of this run (profile ${mdCode(result.profile)}):\n\n${table(
        ['Scenario', 'Title', 'Audit ref', 'Status', 'Trusted', 'Duration', 'Budgets', 'Findings'],
        scenarioRows(result),
        [5, 7],
      )}`,
    );
  }
  // The audit's four proposed load tests, and which scenario now runs each.
  const proposed = [1, 2, 3, 4].map((k) => {
    const by = result.scenarios.filter((s) => new RegExp(`§9 scenario ${k}\\b`).test(s.auditRef));
    return [
      `§9 scenario ${k}`,
      by.length === 0 ? 'not run' : by.map((s) => `[${mdText(s.name)}](#${anchors.scenario(s.name)})`).join(', '),
    ];
  });
  parts.push(`The audit's proposed load tests:\n\n${table(['Audit test', 'Run by'], proposed)}`);
  scenariosInSection(result, 9).forEach((s, i) => parts.push(scenarioBlock(s, `9.${i + 1}`)));
  return parts.join('\n\n');
}
