import type { Claim, Unit, Verdict } from '../result/index.js';

/**
 * Every quantitative claim of the 2025-12-22 audit (summarised in docs/audit-summary.md), with
 * the scenario that measures it and the rule that turns a measurement into a verdict. Scenarios
 * report a value with `checkClaim(id, value, …)`; claims no scenario measured in a run are
 * listed as inconclusive, so the claims table is always complete.
 *
 * Rule of thumb for ranges ("5-10x"): confirmed when the measurement reaches the low end (less a
 * 20% tolerance for noise), refuted below half of it, inconclusive in between.
 */
export interface ClaimSpec {
  id: string;
  claim: string;
  section: string;
  /** The claim as a checkable bound, shown in the report. */
  expected: string;
  scenario: string;
  unit: Unit;
  judge: (value: number) => Verdict;
}

/** At least `lo` (e.g. a speed-up), with tolerance. */
const atLeast = (lo: number) => (v: number): Verdict => (v >= lo * 0.8 ? 'confirmed' : v < lo * 0.5 ? 'refuted' : 'inconclusive');
/** At most `hi` (e.g. a latency ceiling), with tolerance. */
const atMost = (hi: number) => (v: number): Verdict => (v <= hi * 1.2 ? 'confirmed' : v > hi * 2 ? 'refuted' : 'inconclusive');
/** Within [lo, hi] give or take 25%; refuted when off by more than 2x either way. */
const within = (lo: number, hi: number) => (v: number): Verdict =>
  v >= lo * 0.75 && v <= hi * 1.25 ? 'confirmed' : v < lo / 2 || v > hi * 2 ? 'refuted' : 'inconclusive';
/** A yes/no property measured as 1 (holds) or 0 (does not). */
const holds = (v: number): Verdict => (v >= 1 ? 'confirmed' : 'refuted');

export const CLAIMS: readonly ClaimSpec[] = [
  { id: 'C01', claim: 'N+1 queries in session listing: 5-10 queries per page load', section: 'Executive summary; §1.1', expected: 'audited queries per GET /sessions >= 5', scenario: 'n-plus-one', unit: 'count', judge: atLeast(5) },
  { id: 'C02', claim: 'Denormalising task_count gives 5-10x faster session-list page loads', section: '§7 P0.1', expected: 'listing p95 audited / optimized >= 5', scenario: 'query-latency', unit: 'ratio', judge: atLeast(5) },
  { id: 'C03', claim: 'Tag-filtered action listing currently takes 50-200 ms', section: '§1.1 issue 2', expected: 'audited tag filter p95 in 50..200 ms', scenario: 'query-latency', unit: 'ms', judge: within(50, 200) },
  { id: 'C04', claim: 'With a CTE and (tag_id, action_id) index the tag filter takes < 10 ms', section: '§1.1 issue 2', expected: 'optimized tag filter p95 < 10 ms', scenario: 'query-latency', unit: 'ms', judge: atMost(10) },
  { id: 'C05', claim: 'CTE rewrite gives 5-10x faster tag-filtered action queries', section: '§7 P1.4', expected: 'tag filter p95 audited / optimized >= 5', scenario: 'query-latency', unit: 'ratio', judge: atLeast(5) },
  { id: 'C06', claim: 'session_events lookups by session: sequential scan likely at scale', section: '§1.2 missing index 1', expected: 'baseline plan contains a Seq Scan (1 = yes)', scenario: 'query-latency', unit: 'count', judge: holds },
  { id: 'C07', claim: 'The (session_id, created_at) covering index makes session_events queries 10-50x faster', section: '§1.2 missing index 1', expected: 'get_events p95 baseline / indexed >= 10', scenario: 'query-latency', unit: 'ratio', judge: atLeast(10) },
  { id: 'C08', claim: 'The session_events covering index enables an index-only scan', section: '§1.2 missing index 1', expected: 'indexed get_events plan is index-only (1 = yes)', scenario: 'query-latency', unit: 'count', judge: holds },
  { id: 'C09', claim: 'Partition pruning + index-only scan = 5-20x faster cost aggregations', section: '§1.2 missing index 2', expected: 'get_session_costs p95 baseline / indexed >= 5', scenario: 'query-latency', unit: 'ratio', judge: atLeast(5) },
  { id: 'C10', claim: 'Session listing ORDER BY created_at requires an additional sort step', section: '§1.2 missing index 3', expected: 'baseline listing plan has a Sort node (1 = yes)', scenario: 'query-latency', unit: 'count', judge: holds },
  { id: 'C11', claim: 'The sessions covering index enables an index-only scan for listing', section: '§1.2 missing index 3', expected: 'indexed listing plan is index-only (1 = yes)', scenario: 'query-latency', unit: 'count', judge: holds },
  { id: 'C12', claim: 'Composite indexes give 10-50x faster queries on high-traffic tables', section: '§7 P1.3', expected: 'best p95 ratio of the three index optimisations >= 10', scenario: 'query-latency', unit: 'ratio', judge: atLeast(10) },
  { id: 'C13', claim: 'session_events lookup < 10 ms on average with indexes at 10K+ rows', section: '§9 scenario 2', expected: 'indexed get_events mean < 10 ms', scenario: 'query-latency', unit: 'ms', judge: atMost(10) },
  { id: 'C14', claim: '5 personas @ 2 s: 2 s parallel vs 10 s serial (5x speedup)', section: '§2.1', expected: 'round time serial / parallel >= 5', scenario: 'llm-parallelism', unit: 'ratio', judge: atLeast(5) },
  { id: 'C15', claim: 'Embedding batch size 20 instead of 5: 4x fewer embedding API calls', section: '§2.2 opportunity 1; §7 P2.7', expected: 'embedding requests batch 5 / batch 20 >= 4', scenario: 'embedding-batching', unit: 'ratio', judge: atLeast(4) },
  { id: 'C16', claim: 'Parallel sub-problems: 2-5x speedup for multi-sub-problem sessions', section: '§2.2 opportunity 2; §7 P3.11', expected: 'session time sequential / parallel >= 2', scenario: 'llm-parallelism', unit: 'ratio', judge: atLeast(2) },
  { id: 'C17', claim: 'Session metadata caching reduces DB queries by 30-50% for SSE/streaming', section: '§3.2 gap 1; §7 P2.6', expected: 'DB queries saved 30..50%', scenario: 'cache-effectiveness', unit: 'percent', judge: atLeast(30) },
  { id: 'C18', claim: 'Aggregation caching: 80% fewer cost aggregation queries', section: '§3.2 gap 2; §7 P2.8', expected: 'aggregation queries saved >= 80%', scenario: 'cache-effectiveness', unit: 'percent', judge: atLeast(80) },
  { id: 'C19', claim: 'Hard cap of 50 concurrent sessions with FIFO eviction', section: '§4.1', expected: 'active never above 50 and evictions in start order (1 = yes)', scenario: 'concurrent-sessions', unit: 'count', judge: holds },
  { id: 'C20', claim: 'The DB pool (20) saturates before the session cap (50)', section: '§4.1; §6.1', expected: 'pool 20 has waiting clients at 50 sessions (1 = yes)', scenario: 'pool-exhaustion', unit: 'count', judge: holds },
  { id: 'C21', claim: 'With a pool of 20, 30 of 50 sessions will queue/fail', section: '§4.2', expected: 'sessions failed or timed out with pool 20 >= 30', scenario: 'pool-exhaustion', unit: 'count', judge: atLeast(30) },
  { id: 'C22', claim: 'Redis needs 455 MB for 7,000 sessions (65 KB per session)', section: '§4.3', expected: 'extrapolated Redis memory for 7,000 sessions in 227..910 MB', scenario: 'redis-memory', unit: 'bytes', judge: within(455e6, 455e6) },
  { id: 'C23', claim: 'The cost buffer is capped at 200 records, evicting the oldest', section: '§5.1 hotspot 1; §9 scenario 3', expected: 'buffer depth plateaus at 200 with evictions counted (1 = yes)', scenario: 'cost-buffer-overflow', unit: 'count', judge: holds },
  { id: 'C24', claim: 'Contribution state: 15 KB per session (5 personas × 6 rounds × 500 B)', section: '§5.1 hotspot 2', expected: 'retained contribution bytes per single-sub-problem session in 11..19 KB', scenario: 'state-memory', unit: 'bytes', judge: within(15_000, 15_000) },
  { id: 'C25', claim: 'Contribution pruning reduces state memory by 60-80%', section: '§5.1 hotspot 2; §7 P2.9', expected: 'retained contributions reduction >= 60%', scenario: 'state-memory', unit: 'percent', judge: atLeast(60) },
  { id: 'C26', claim: 'Throughput: 50 sessions / 60 s = 0.83 sessions/sec', section: '§6.1', expected: 'measured sessions/s at the cap within 0.62..1.04', scenario: 'capacity', unit: 'sessions/s', judge: within(0.83, 0.83) },
  { id: 'C27', claim: 'Daily capacity ~70,000 sessions/day (theoretical max)', section: '§6.1', expected: 'sessions/day at the knee within 52,500..87,500', scenario: 'capacity', unit: 'sessions/day', judge: within(70_000, 70_000) },
  { id: 'C28', claim: 'Average session duration 60-120 s', section: '§6.1', expected: 'session duration p50 (real time) in 60..120 s', scenario: 'capacity', unit: 's', judge: within(60, 120) },
  { id: 'C29', claim: 'Killing Redis mid-session degrades gracefully with no data loss', section: '§9 scenario 4', expected: 'events and cost records lost = 0 and duplicated = 0 (1 = yes)', scenario: 'redis-failover', unit: 'count', judge: holds },
  { id: 'C30', claim: '50 sessions × 5 experts × 6 rounds = 1,500 parallel LLM calls max', section: '§4.1', expected: 'peak in-flight LLM calls at 50 sessions >= 1,200', scenario: 'capacity', unit: 'count', judge: atLeast(1500) },
  { id: 'C31', claim: 'Sub-problems appear to execute sequentially', section: '§2.2 opportunity 2', expected: 'multi-sub-problem sessions run sub-problems one at a time in the audited flow (1 = yes)', scenario: 'llm-parallelism', unit: 'count', judge: holds },
];

export function claimSpec(id: string): ClaimSpec {
  const spec = CLAIMS.find((c) => c.id === id);
  if (spec === undefined) throw new Error(`unknown claim id ${id}`);
  return spec;
}

/** Turns a measurement into a claim row; `null` (not measurable here) gives `inconclusive`. */
export function checkClaim(id: string, value: number | null, detail: { summary: string; method: string }): Omit<Claim, 'scenario'> {
  const spec = claimSpec(id);
  return {
    id,
    claim: spec.claim,
    section: spec.section,
    expected: spec.expected,
    measured: { value, unit: spec.unit, summary: detail.summary },
    verdict: value === null || !Number.isFinite(value) ? 'inconclusive' : spec.judge(value),
    method: detail.method,
  };
}

/** Rows for the claims no scenario measured in this run, so the report lists every claim. */
export function unmeasuredClaims(measured: readonly Pick<Claim, 'id'>[]): Claim[] {
  const seen = new Set(measured.map((c) => c.id));
  return CLAIMS.filter((c) => !seen.has(c.id)).map((c) => ({
    ...checkClaim(c.id, null, { summary: 'not measured in this run', method: `needs scenario ${c.scenario}` }),
    scenario: c.scenario,
  }));
}
