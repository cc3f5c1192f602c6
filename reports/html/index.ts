/**
 * audit.html: one self-contained page (inline CSS and SVG, no script, no external asset) that
 * opens offline from a CI artifact, reads on a laptop screen and prints.
 */
import type { RunResult } from '../../harness/result/index.js';
import { escapeHtml as h } from '../internal/escape.js';
import { fmtDuration } from '../internal/format.js';
import { anchors } from '../internal/select.js';
import { untrustedRows } from '../internal/calibration.js';
import { calibrationHtml } from './calibration.js';
import { concurrencySweepChart } from './charts/concurrency-sweep.js';
import { costBufferCharts } from './charts/cost-buffer.js';
import { failoverTimelineCharts } from './charts/failover-timeline.js';
import { latencyHistogramCharts } from './charts/latency-histogram.js';
import { otherTimelineCharts } from './charts/other-timelines.js';
import { percentileBarCharts } from './charts/percentile-bars.js';
import { poolWaitingCharts } from './charts/pool-waiting.js';
import { scenarioHtml } from './scenarios.js';
import { STYLE } from './style.js';
import { budgetsHtml, claimsHtml, environmentHtml, findingsHtml, summaryCards } from './summary.js';

interface Section {
  id: string;
  title: string;
  body: string;
}

function charts(list: readonly string[], empty: string): string {
  return list.length === 0 ? `<p class="empty">${h(empty)}</p>` : `<div class="charts">${list.join('\n')}</div>`;
}

function sections(result: RunResult): Section[] {
  const sweep = concurrencySweepChart(result.capacity);
  return [
    { id: anchors.calibration, title: 'Calibration against independent tools', body: calibrationHtml(result) },
    {
      id: anchors.capacity,
      title: 'Measured limits: concurrency sweep',
      body: sweep === null ? '<p class="empty">No capacity model in this run.</p>' : charts([sweep], ''),
    },
    {
      id: 'query-latency',
      title: 'Query latency: before vs after',
      body: charts(percentileBarCharts(result), 'No comparison with stored percentiles in this run.'),
    },
    {
      id: 'histograms',
      title: 'Latency distributions',
      body: charts(latencyHistogramCharts(result), 'No histogram with buckets in this run.'),
    },
    { id: 'failover', title: 'Redis failover', body: charts(failoverTimelineCharts(result), 'The Redis failover scenario did not run.') },
    {
      id: 'resources',
      title: 'Pool and cost buffer over time',
      body: charts([...poolWaitingCharts(result), ...costBufferCharts(result)], 'No pool or cost-buffer timeline in this run.'),
    },
    { id: 'timelines', title: 'Other timelines', body: charts(otherTimelineCharts(result), 'No other timeline in this run.') },
    { id: 'recommendations', title: 'Recommendations, ranked by measured impact', body: findingsHtml(result) },
    { id: anchors.claims, title: 'Claims check against the 2025-12-22 audit', body: claimsHtml(result) },
    { id: anchors.budgets, title: 'Budgets', body: budgetsHtml(result) },
    {
      id: 'scenarios',
      title: 'Scenarios and evidence',
      body: result.scenarios.length === 0 ? '<p class="empty">No scenario ran.</p>' : result.scenarios.map(scenarioHtml).join('\n'),
    },
    { id: 'environment', title: 'Environment and method', body: environmentHtml(result) },
  ];
}

export function renderHtml(result: RunResult): string {
  const env = result.environment;
  const list = sections(result);
  const title = `loadlab scalability audit: ${result.profile}, ${env.startedAt}`;
  const untrusted = result.trusted ? '' : `<p class="bad">Results untrusted: ${h(result.untrustedReasons.join('; '))}</p>`;
  const outside = untrustedRows(result.calibration).length;
  const calibration =
    outside === 0
      ? ''
      : `<p class="bad">Calibration failed: ${outside} enforced row(s) outside bounds, so loadlab's own figures cannot be trusted in this run (<a href="#${anchors.calibration}">calibration</a>).</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${h(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Performance Scalability Audit</h1>
<p class="meta">loadlab ${h(env.loadlabVersion)} · profile ${h(result.profile)} · seed ${env.seed} · commit ${h(env.gitCommit ?? 'n/a')} · ${h(env.startedAt)} · ${h(fmtDuration(result.durationMs))} · every figure measured in this run</p>
${untrusted}${calibration}${summaryCards(result)}
<nav>${list.map((s) => `<a href="#${s.id}">${h(s.title)}</a>`).join('')}</nav>
${list.map((s) => `<section id="${s.id}"><h2>${h(s.title)}</h2>\n${s.body}\n</section>`).join('\n')}
</main>
</body>
</html>
`;
}
