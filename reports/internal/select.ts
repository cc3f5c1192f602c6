/**
 * Lookups over a RunResult shared by the renderers: which scenario belongs in which audit section,
 * which histograms back a comparison, where evidence lives. Lookups only; no figure is derived.
 */
import type { BudgetResult, Comparison, EvidenceRef, HistogramSummary, RunResult, ScenarioResult } from '../../harness/result/index.js';
import { slug } from './escape.js';

/** Audit section number a scenario belongs to: the first "§N" of its auditRef, null if none. */
export function primarySection(auditRef: string): number | null {
  const m = /§\s*(\d+)/.exec(auditRef);
  return m?.[1] === undefined ? null : Number(m[1]);
}

export function scenariosInSection(result: RunResult, section: number): ScenarioResult[] {
  return result.scenarios.filter((s) => primarySection(s.auditRef) === section);
}

/**
 * Every budget once. The run-level list normally repeats the scenario budgets; a hand-made or
 * older result may carry them only per scenario, so both are read and de-duplicated.
 */
export function allBudgets(result: RunResult): BudgetResult[] {
  const seen = new Set<string>();
  const out: BudgetResult[] = [];
  for (const b of [...result.budgets, ...result.scenarios.flatMap((s) => s.budgets)]) {
    const key = `${b.scenario ?? ''}\u0000${b.name}\u0000${b.stat}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(b);
  }
  return out;
}

/** "query.list_sessions.p95" -> "query.list_sessions": the metric family a comparison reads. */
function metricFamily(metric: string): string {
  return metric.replace(/\.(p\d+(\.\d+)?|max|min|mean|median)$/, '');
}

/**
 * The histograms behind a comparison's two variants: the variant's own summary when stored, else
 * the scenario histogram named `<family>.<variant>` (the harness naming convention).
 */
export function comparisonHistograms(
  scenario: ScenarioResult,
  c: Comparison,
): { before: HistogramSummary; after: HistogramSummary } | null {
  const family = metricFamily(c.metric);
  const before = c.before.summary ?? scenario.measurements.histograms[`${family}.${c.before.variant}`];
  const after = c.after.summary ?? scenario.measurements.histograms[`${family}.${c.after.variant}`];
  return before === undefined || after === undefined ? null : { before, after };
}

export const anchors = {
  scenario: (name: string): string => `s-${slug(name)}`,
  evidence: (name: string): string => `ev-${slug(name)}`,
  finding: (id: string): string => `f-${slug(id)}`,
  claims: 'claims-check',
  budgets: 'budgets',
  calibration: 'calibration',
  capacity: 'capacity',
} as const;

/** Where an evidence reference points: an in-report anchor, or a relative artifact path. */
export function evidenceHref(ref: EvidenceRef, fallbackScenario: string): string {
  const scenario = ref.scenario ?? fallbackScenario;
  switch (ref.kind) {
    case 'artifact':
      return ref.ref;
    case 'comparison':
    case 'measurement':
      return `#${anchors.scenario(scenario)}`;
    case 'plan':
    case 'sample':
    case 'timeline':
      return `#${anchors.evidence(scenario)}`;
  }
}

export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;

/** Titles of the audit's numbered sections, so report sections keep the audit's numbering. */
export const SECTION_TITLES: Record<number, string> = {
  1: 'Database Query Analysis',
  2: 'LLM Call Parallelisation',
  3: 'Redis Caching Analysis',
  4: 'Concurrent Session Handling',
  5: 'Memory & CPU Hotspots',
  6: 'Scalability Limits',
  7: 'Priority-Ranked Recommendations',
  8: 'Monitoring & Observability Gaps',
  9: 'Testing',
  10: 'Appendix: Environment, Method and Evidence',
};
