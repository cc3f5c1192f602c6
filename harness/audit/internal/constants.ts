import type { ConstantSpec } from './spec.js';

/**
 * Constants several modelled claims depend on, each with the range over which a verdict should
 * hold before it is trusted. Ranges come from the audit, bo1's code (docs/audited-system.md) or
 * what a real LLM API does; the basis says which.
 */
export const LATENCY_SPREAD: ConstantSpec = {
  name: 'llm.latency.p99_over_p50',
  unit: 'ratio',
  low: 1,
  high: 4,
  basis: 'a fixed-latency mock gives 1; real Sonnet calls vary with answer length, a slow persona holding up its round',
};
export const LLM_LATENCY: ConstantSpec = {
  name: 'llm.latency.p50',
  unit: 's',
  low: 2,
  high: 10,
  basis: "the audit's 2 s per persona call; Sonnet answers near 1,000 output tokens take 10 s or more",
};
export const PERSONAS: ConstantSpec = {
  name: 'round.personas',
  unit: 'count',
  low: 3,
  high: 5,
  basis: 'bo1 selects 3-5 personas per sub-problem',
};
export const ROUNDS: ConstantSpec = {
  name: 'deliberation.rounds',
  unit: 'count',
  low: 3,
  high: 6,
  basis: 'executed rounds per sub-problem: convergence stops early (engine at most 5), the audit assumes 6',
};
export const SUB_PROBLEMS: ConstantSpec = {
  name: 'session.subproblems',
  unit: 'count',
  low: 1,
  high: 5,
  basis: 'sub-problems per session: most problems decompose into one; the audit reasons with up to 5',
};
export const CONTRIBUTION_BYTES: ConstantSpec = {
  name: 'contribution.bytes',
  unit: 'bytes',
  low: 500,
  high: 4_000,
  basis: "the audit assumes 500 B; the mock's ~220-token answers are ~1.4 KB; 1,000 output tokens are ~4 KB",
};
export const SESSIONS_PER_DAY: ConstantSpec = {
  name: 'sessions.per_day',
  unit: 'count',
  low: 100,
  high: 10_000,
  basis: "the audit's load tiers (§6.2), from under 100 to over 10,000 sessions a day",
};
