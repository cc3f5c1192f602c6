/** Section 10: environment, method, and the evidence every figure links to. */
import type { PlanEvidence, RunResult, ScenarioResult, StatementMode, Timeline } from '../../harness/result/index.js';
import { mdCode, mdText } from '../internal/escape.js';
import { diskSummary } from '../internal/disk.js';
import { GENERATOR_COLUMNS, generatorRows } from '../internal/generator.js';
import { fmtDuration, fmtValue, num } from '../internal/format.js';
import { PERCENTILE_LEGEND } from '../internal/percentile.js';
import { anchors, SECTION_TITLES } from '../internal/select.js';
import { anchor, table } from './blocks.js';

function statementModes(modes: Record<string, StatementMode> | undefined): string {
  const entries = Object.entries(modes ?? {});
  return entries.length === 0 ? 'not recorded' : entries.map(([variant, mode]) => `${mdText(variant)}: ${mdCode(mode)}`).join(', ');
}

function environment(result: RunResult): string {
  const e = result.environment;
  const rows: [string, string][] = [
    ['loadlab', `${mdText(e.loadlabVersion)} (commit ${mdCode(e.gitCommit ?? 'n/a')})`],
    ['Node.js', mdText(e.node)],
    ['OS', mdText(e.os)],
    ['CPU', `${e.cpus.count} × ${mdText(e.cpus.model)}`],
    ['Memory', fmtValue(e.memory.totalBytes, 'bytes')],
    ['PostgreSQL', e.postgres === null ? 'not used' : `${mdText(e.postgres.version)} (${e.postgres.source})`],
    ['Redis', e.redis === null ? 'not used' : `${mdText(e.redis.version)} (${e.redis.source})`],
    ['Profile / seed', `${mdCode(e.profile)} / ${e.seed}`],
    ['Statement modes', statementModes(e.statementModes)],
    [
      'Mock LLM time scale',
      e.timeScale === 1 ? '1 (real time)' : `${num(e.timeScale)} (LLM delays compressed; durations shown converted back to real time)`,
    ],
    ['Started / finished', `${mdText(e.startedAt)} / ${mdText(e.finishedAt ?? 'not finished')}`],
    ['Wall time', fmtDuration(result.durationMs)],
    ['Disk', mdText(diskSummary(e.disk))],
    ['Peak memory (harness process)', e.peakRssBytes === undefined ? 'not recorded' : fmtValue(e.peakRssBytes, 'bytes')],
  ];
  return table(
    ['', ''],
    rows.map(([k, v]) => [`**${k}**`, v]),
  );
}

const METHOD = [
  'Latencies are recorded in HDR histograms and reported as p50/p90/p95/p99/max with their sample count n; a mean is never reported without percentiles.',
  `A percentile q is shown as a measurement only when n ≥ 10/(1−q), so that at least ten samples lie beyond it. ${PERCENTILE_LEGEND} A budget on such a percentile is not judgeable: it neither passes nor fails.`,
  'Calibration: where a scenario could, the same subject was also measured by an independent tool (pgbench on the same SQL in the same statement mode, an autocannon child process on the same endpoint at the same rate); an enforced (p50) ratio outside its bounds makes the run untrusted (exit code 6).',
  'Before/after comparisons run both variants on databases seeded identically from the same seed (a template copy), never through a down-migration; a ratio is before / after, with its interval and method as stated.',
  'Load is generated open-model (latency measured from the intended start, so without coordinated omission) or closed-model at a fixed concurrency; a generator self-check marks a scenario untrusted when the load generator itself saturates.',
  'Budgets are evaluated after each scenario; a failed budget sets exit code 3.',
  "Each audit claim is restated as a checkable bound: confirmed within 20% of the audit's figure or range, refuted beyond half its low end or twice its high end, inconclusive between; the Expected column is generated from the same bound the verdict uses. " +
    'Every claim carries an evidence class saying what its verdict rests on: measured (real PostgreSQL, Redis and engine code under load), modelled (configured constants, each shown with its plausible range and, where re-judged, the verdict at both ends: a verdict that changes within the range is inconclusive, model-dependent), ' +
    "conformance (a design property the re-implementation reproduces) or premise (the audit's premise checked against the system as it stood on 2025-12-22). A claim whose precondition did not hold is premise-false, with what the recommendation still changed shown beside it.",
  "The capacity model sweeps concurrency, finds the knee of the throughput curve, fits the Universal Scalability Law and cross-checks each level with Little's law.",
];

function plan(p: PlanEvidence): string {
  const fence = '`'.repeat(Math.max(3, ...[...p.sql.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return [
    `**${mdText(p.name)}** (variant ${mdText(p.variant)}, fingerprint ${mdCode(p.fingerprint)}): ${mdText(p.nodeTypes.join(' → ') || 'n/a')}; planning ${fmtValue(p.planningMs, 'ms')}, execution ${fmtValue(p.executionMs, 'ms')}; index-only ${p.indexOnly ? 'yes' : 'no'}; indexes ${mdText(p.indexes.join(', ') || 'none')}; partitions ${mdText(p.partitionsScanned.join(', ') || 'n/a')}; shared buffers hit ${num(p.sharedHitBlocks)}, read ${num(p.sharedReadBlocks)}`,
    `${fence}sql\n${p.sql}\n${fence}`,
  ].join('\n\n');
}

function timelineRow(t: Timeline): string[] {
  const span = t.series.flatMap((s) => s.points.slice(-1).map((p) => p.t));
  return [
    mdText(t.title),
    t.series.map((s) => `${mdText(s.name)} (${s.unit}, ${s.points.length} points)`).join('; '),
    span.length === 0 ? 'empty' : fmtDuration(Math.max(...span)),
    t.marks.length === 0 ? '—' : t.marks.map((m) => `${fmtDuration(m.t)} ${mdText(m.label)}`).join('; '),
  ];
}

function evidence(s: ScenarioResult): string {
  const ev = s.evidence;
  const parts = [`### Evidence: ${mdText(s.name)}\n${anchor(anchors.evidence(s.name))}`];
  if (ev.plans.length > 0) {
    parts.push(`<details><summary>${ev.plans.length} query plan(s)</summary>\n\n${ev.plans.map(plan).join('\n\n')}\n\n</details>`);
  }
  if (ev.samples.length > 0) {
    parts.push(
      table(
        ['Sample', 'Unit', 'n', 'Values'],
        ev.samples.map((x) => [
          mdText(x.name),
          mdText(x.unit),
          num(x.values.length),
          x.values.slice(0, 50).map(num).join(', ') + (x.values.length > 50 ? ', …' : ''),
        ]),
        [2],
      ),
    );
  }
  if (ev.timelines.length > 0) {
    parts.push(
      `${table(['Timeline', 'Series', 'Span', 'Marks'], ev.timelines.map(timelineRow))}\n\nCharts of these timelines are in [audit.html](audit.html).`,
    );
  }
  if (parts.length === 1)
    parts.push('_No plans, samples or timelines recorded; the figures are in its measurement tables and in audit.json._');
  return parts.join('\n\n');
}

export function appendix(result: RunResult): string {
  const parts = [
    `## 10. ${SECTION_TITLES[10]}`,
    `### Environment\n\n${environment(result)}`,
    `### Method\n\n${METHOD.map((m) => `- ${m}`).join('\n')}`,
  ];
  const headroom = generatorRows(result.scenarios);
  if (headroom.length > 0)
    parts.push(
      `### Load generator headroom\n\nThe harness's own event-loop delay and CPU in each scenario, beside the self-check's limits (over a limit, the scenario is untrusted).\n\n${table(
        GENERATOR_COLUMNS,
        headroom.map((r) => r.map(mdText)),
      )}`,
    );
  if (result.artifacts.length > 0) {
    parts.push(
      `### Artifacts\n\n${table(
        ['Artifact', 'Kind', 'File'],
        result.artifacts.map((a) => [mdText(a.name), a.kind, `[${mdText(a.path)}](${encodeURI(a.path)})`]),
      )}`,
    );
  }
  parts.push(...result.scenarios.map(evidence));
  return parts.join('\n\n');
}
