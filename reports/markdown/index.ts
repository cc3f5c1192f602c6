/**
 * audit.md: the report in the section structure of the 2025-12-22 audit (numbered 1-10 so an
 * audit reference like "§1.3" finds its section), plus calibration, the claims check and budgets. Plain GFM
 * with a few HTML anchors, so it renders on GitHub and as a job summary.
 */
import type { RunResult } from '../../harness/result/index.js';
import { mdText } from '../internal/escape.js';
import { appendix } from './appendix.js';
import { calibrationSection } from './calibration.js';
import { monitoringGaps, recommendations, testing } from './recommendations.js';
import { numberedSection } from './sections.js';
import { budgetsTable, claimsCheck, executiveSummary } from './summary.js';

export function renderMarkdown(result: RunResult): string {
  const env = result.environment;
  const header = [
    '# Performance Scalability Audit Report',
    `**Generated:** ${mdText(env.finishedAt ?? env.startedAt)} by loadlab ${mdText(env.loadlabVersion)} from measurements  \n**Scope:** database queries, LLM parallelisation, caching, concurrent session handling, memory, capacity (as the audit of 2025-12-22)`,
  ].join('\n\n');
  const sections = [
    header,
    executiveSummary(result),
    calibrationSection(result),
    claimsCheck(result),
    budgetsTable(result),
    ...[1, 2, 3, 4, 5, 6].map((n) => numberedSection(result, n)),
    recommendations(result),
    monitoringGaps(result),
    testing(result),
    appendix(result),
  ];
  return `${sections.join('\n\n---\n\n')}\n`;
}
