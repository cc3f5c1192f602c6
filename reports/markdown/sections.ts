/** Sections 1-6 of the audit's structure: one block per scenario whose audit reference is §N. */
import type { PlanEvidence, RunResult } from '../../harness/result/index.js';
import { mdCode, mdText } from '../internal/escape.js';
import { fmtValue, num } from '../internal/format.js';
import { anchors, scenariosInSection, SECTION_TITLES } from '../internal/select.js';
import { scenarioBlock, table } from './blocks.js';
import { capacitySection } from './capacity.js';

/** What the 2025-12-22 audit asserted in each section, so the reader knows what is being tested. */
const INTROS: Record<number, string> = {
  1: 'The audit reported N+1 patterns and missing indexes (§1.1-1.3) without measurements. Each query shape below is timed on identically seeded data, audited shape vs recommended one.',
  2: 'The audit judged persona rounds well parallelised and proposed larger embedding batches and parallel sub-problems (§2).',
  3: 'The audit proposed session-metadata and aggregation caches with estimated savings (§3).',
  4: 'The audit estimated the session cap, pool size and Redis memory limits (§4.1-4.3).',
  5: 'The audit flagged the cost-tracker buffer and growing contribution lists (§5.1).',
  6: 'The audit estimated throughput and daily capacity from configuration (§6.1); here they come from a concurrency sweep.',
};

function planTable(plans: { scenario: string; plan: PlanEvidence }[]): string {
  const rows = plans.map(({ scenario, plan: p }) => [
    `[${mdText(p.name)}](#${anchors.evidence(scenario)})`,
    mdText(p.variant),
    mdText(p.scanTypes.join(', ') || 'n/a'),
    p.indexOnly ? 'yes' : 'no',
    num(p.sortSteps),
    num(p.partitionsScanned.length),
    fmtValue(p.executionMs, 'ms'),
    `${num(p.sharedHitBlocks)} / ${num(p.sharedReadBlocks)}`,
  ]);
  return `**Query plans** (one EXPLAIN ANALYZE per variant; timings above come from the histograms, not from these single runs):\n\n${table(
    ['Plan', 'Variant', 'Scans', 'Index-only', 'Sorts', 'Partitions', 'Execution', 'Buffers hit / read'],
    rows,
    [4, 5, 6],
  )}`;
}

export function numberedSection(result: RunResult, n: number): string {
  const scenarios = scenariosInSection(result, n);
  const parts = [`## ${n}. ${SECTION_TITLES[n] ?? ''}`, INTROS[n] ?? ''];
  if (scenarios.length === 0 && !(n === 6 && result.capacity !== null)) {
    parts.push(`_No scenario measured this section in this run (profile ${mdCode(result.profile)})._`);
  }
  scenarios.forEach((s, i) => parts.push(scenarioBlock(s, `${n}.${i + 1}`)));
  if (n === 1) {
    const plans = scenarios.flatMap((s) => s.evidence.plans.map((plan) => ({ scenario: s.name, plan })));
    if (plans.length > 0) parts.push(planTable(plans));
  }
  if (n === 6) parts.push(capacitySection(result.capacity, `${n}.${scenarios.length + 1}`));
  return parts.filter((p) => p !== '').join('\n\n');
}
