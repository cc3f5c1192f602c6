/**
 * The versioned RunResult contract (README "Commands": audit.json; docs/errors.md for exit codes).
 *
 * Everything a report shows comes from this document: renderers never query a database or compute
 * a statistic, so every figure they need (percentiles, spreads, ratios, verdicts) is stored here
 * already computed. `run-result.schema.json` mirrors these types; `fixtures/` builds a typed
 * sample that must also validate against the schema, which keeps the two in step.
 *
 * Compatibility rule: adding an optional field keeps `schemaVersion`; renaming, removing or
 * changing the meaning of a field bumps it.
 */

export const RUN_RESULT_SCHEMA_VERSION = 1;

/** Exit codes (docs/errors.md, README "Exit codes"); never renumbered (k6 errext/exitcodes). */
export const EXIT_CODES = {
  ok: 0,
  unexpectedError: 1,
  invalidUsage: 2,
  budgetFailed: 3,
  dataLoss: 4,
  regression: 5,
  untrusted: 6,
  /** SIGINT/SIGTERM: the partial result was still written and every child stopped. */
  interrupted: 7,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export type Profile = 'ci' | 'default' | 'full';
export type RunStatus = 'passed' | 'failed' | 'aborted' | 'error';
export type ScenarioStatus = RunStatus | 'skipped';
export type Priority = 'P0' | 'P1' | 'P2' | 'P3';
/**
 * A claim's verdict. `premise-false`: the claim's precondition did not hold on the audited system
 * (e.g. the "missing" index already existed), so neither confirming nor refuting it would be honest.
 */
export type Verdict = 'confirmed' | 'refuted' | 'inconclusive' | 'premise-false';
/**
 * What a claim's verdict rests on (docs/claims.md). `measured`: real PostgreSQL, Redis and engine
 * code under load; `modelled`: configured constants (mock latencies, token sizes, mixes);
 * `conformance`: a design property the re-implementation reproduces; `premise`: the audit's
 * premise checked against the audited system as it stood on 2025-12-22.
 */
export type EvidenceClass = 'measured' | 'modelled' | 'conformance' | 'premise';
/** How a client sends a statement to PostgreSQL (engine config `db.statementMode`). */
export type StatementMode = 'simple' | 'unnamed' | 'prepared';

/**
 * Fewest samples a percentile q (0..1) may be reported from: n >= 10 / (1 - q), so that at
 * least ten samples lie beyond it (p50: 20, p90: 100, p95: 200, p99: 1,000). Below that a
 * report shows the maximum and says n is too small, and a budget on it is not judgeable.
 */
export function minSamplesForPercentile(q: number): number {
  return Math.ceil(10 / (1 - q) - 1e-9);
}

/**
 * Units a figure can carry. Durations are always stored in their stated unit, never converted
 * silently; mock-LLM time-scaled durations are converted back to real time before they land here.
 */
export type Unit =
  'ms' | 'us' | 's' | 'bytes' | 'count' | 'percent' | 'ratio' | 'ops/s' | 'req/s' | 'sessions/s' | 'sessions/day' | 'rows/s' | 'usd';

export interface Environment {
  /** process.version, e.g. "v20.20.2". */
  node: string;
  /** e.g. "linux 6.1.0-18-amd64 x64". */
  os: string;
  cpus: { count: number; model: string };
  memory: { totalBytes: number };
  postgres: { version: string; source: 'embedded' | 'external' } | null;
  redis: { version: string; source: 'child' | 'external' } | null;
  loadlabVersion: string;
  /** null outside a git checkout. */
  gitCommit: string | null;
  profile: Profile;
  seed: number;
  /** Mock LLM time compression; 1 means real time. Reported durations are already converted back. */
  timeScale: number;
  /** Time spent seeding the run's template database before the first scenario, ms (absent when no scenario needed data). */
  dataPreparationMs?: number;
  /** Recommendations turned off for this run (`--disable`): migration tracks or engine features. */
  disabledOptimizations?: string[];
  /**
   * How the engine sends statements, per engine variant, after `--disable` (`db.statementMode`):
   * `simple` (client-side interpolation, as psycopg2), `unnamed` (extended protocol, re-planned
   * every call) or `prepared` (named statements reused per connection).
   */
  statementModes?: Record<string, StatementMode>;
  /** Disk use of the run: the cluster's size sampled through it, and the preflight's estimate. */
  disk?: DiskUse;
  /** Peak resident memory of the harness process over the run (getrusage maxrss), bytes; children (PostgreSQL, Redis, servers under test) not included. */
  peakRssBytes?: number;
  /** ISO 8601 timestamps. */
  startedAt: string;
  finishedAt: string | null;
}

export interface DiskUse {
  /** Sum of pg_database_size over the cluster at the start and at its largest, bytes. */
  startClusterBytes: number;
  peakClusterBytes: number;
  /** Peak minus start: what this run added at its worst. */
  peakAddedBytes: number;
  /** Free space where the data lives at the start and the least seen (statfs); null when it cannot be measured from here. */
  startFreeBytes: number | null;
  minFreeBytes: number | null;
  samples: number;
  method: string;
  /** The estimate the run was admitted on. */
  preflight?: { needBytes: number; freeBytes: number | null; where: string };
}

/** How a spread or interval was obtained, so a reader can judge it. */
export interface Spread {
  method: 'bootstrap' | 'min-max' | 'stdev' | 'iqr' | 'mann-whitney' | 'order-statistic';
  low: number;
  high: number;
  /** Confidence level for intervals (0.95), absent for min-max / iqr. */
  confidence?: number;
  /** Number of repeats or resamples the spread is based on. */
  n: number;
}

export interface HistogramBucket {
  /** Upper bound of the bucket, in the summary's unit. */
  le: number;
  count: number;
}

/** Percentiles read from an HDR histogram; `mean`/`stdev` are never reported without them. */
export interface HistogramSummary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  stdev: number;
  unit: Unit;
  /** Optional coarse distribution, so a renderer can draw it without computing anything. */
  buckets?: HistogramBucket[];
  /** Optional per-repeat values of the headline percentile (p95), for noise-aware compare. */
  repeats?: number[];
}

export interface Counter {
  value: number;
  unit: Unit;
}

export interface RatioMeasurement {
  value: number;
  unit: Unit;
  spread?: Spread;
  /** What the ratio is of, e.g. "hits / (hits + misses)". */
  definition?: string;
}

export interface Measurements {
  histograms: Record<string, HistogramSummary>;
  counters: Record<string, Counter>;
  ratios: Record<string, RatioMeasurement>;
}

export interface VariantValue {
  /** e.g. "audited", "optimized", "baseline", "all-optimizations", "pool-20". */
  variant: string;
  value: number;
  summary?: HistogramSummary;
}

/**
 * A before/after pair measured on identically seeded data. `ratio` is always
 * before.value / after.value: with `better: 'lower'` a ratio of 10 reads "10x faster".
 */
export interface Comparison {
  name: string;
  metric: string;
  unit: Unit;
  better: 'lower' | 'higher';
  before: VariantValue;
  after: VariantValue;
  ratio: number;
  interval?: Spread;
}

export type BudgetOperator = '<' | '<=' | '>' | '>=' | '==';

export interface BudgetResult {
  /** Budget key as declared, e.g. "query.list_sessions". */
  name: string;
  /** Owning scenario, or null for run-level budgets. */
  scenario: string | null;
  /** The statistic checked, e.g. "p95", "max", "value", "rate". */
  stat: string;
  /** Human form as declared, e.g. "p95 < 10ms". */
  threshold: string;
  operator: BudgetOperator;
  limit: number;
  /** null when the measurement was missing (which fails the budget). */
  measured: number | null;
  passed: boolean;
  unit: Unit;
  /** Why it failed when that is not just "measured breaches limit". */
  message?: string;
  /**
   * false when the statistic rests on too few samples to be judged (see minSamplesForPercentile):
   * `passed` is then false but the budget neither passes nor fails the run; `message` says why.
   */
  judgeable?: boolean;
}

export interface EvidenceRef {
  kind: 'plan' | 'sample' | 'timeline' | 'measurement' | 'comparison' | 'artifact';
  /** Name of the referenced item inside the scenario (or an artifact path). */
  ref: string;
  scenario?: string;
}

export interface MeasuredImpact {
  summary: string;
  metric: string;
  value: number;
  unit: Unit;
  /** Comparable across findings (e.g. ms saved per 1,000 requests); findings are ranked by it. */
  score: number;
}

export interface Finding {
  id: string;
  priority: Priority;
  title: string;
  evidence: EvidenceRef[];
  measuredImpact: MeasuredImpact;
  recommendation: string;
  scenario: string;
  /** Section of the 2025-12-22 audit, e.g. "§1.1". */
  auditRef: string;
  /** 1 = largest measured impact in the run. */
  rank: number;
}

export interface Claim {
  id: string;
  /** The audit's words, e.g. "10-50x faster queries on session_events". */
  claim: string;
  section: string;
  /** The claim as a checkable bound, e.g. "ratio >= 10". */
  expected: string;
  /**
   * `interval`: the spread of the measurement over repeats (min-max, bootstrap...). When present the
   * verdict is confirmed or refuted only if both ends agree; otherwise it is inconclusive.
   */
  measured: { value: number | null; unit: Unit; summary: string; interval?: Spread };
  verdict: Verdict;
  scenario: string;
  /** The scenario's own account of how it measured, in full. */
  method: string;
  /** Optional so that results written before evidence classes still validate; the harness always writes it. */
  evidence?: EvidenceClass;
  /** The method in one line, from the claims catalogue: what the report's claims table shows. */
  approach?: string;
  /** Why the verdict is not simply the bound read on the value: "model-dependent", "not measured in this run", the false premise. */
  verdictReason?: string;
  /** `modelled` claims: every constant the verdict depends on, with the verdict at both ends of its range. */
  constants?: ClaimConstant[];
  /** `premise-false` claims: the fact that made the premise false, and what the bound says of the measured change. */
  premiseFalse?: PremiseFalse;
}

/**
 * A configured constant a modelled claim depends on. `measuredLow`/`measuredHigh` are the claim's
 * measurement with the constant at `low`/`high`, and the verdicts are the same judge applied to
 * them; null means the scenario did not re-judge at that end in this run (never an estimate).
 */
export interface ClaimConstant {
  name: string;
  unit: Unit;
  /** The value in this run; null when the scenario does not report it. */
  value: number | null;
  low: number;
  high: number;
  /** Why the range is plausible. */
  basis: string;
  measuredLow: number | null;
  measuredHigh: number | null;
  verdictLow: Verdict | null;
  verdictHigh: Verdict | null;
}

export interface PremiseFalse {
  /** What held instead, e.g. "idx_session_events_session_id existed on 2025-12-22". */
  fact: string;
  /** Where that is documented (docs/schema-deviations.md #8). */
  ref: string;
  /** The verdict the claim's bound gives the measured change the recommendation still makes; null when nothing was measured. */
  changeVerdict: Verdict | null;
}

export interface PlanEvidence {
  name: string;
  variant: string;
  fingerprint: string;
  sql: string;
  planningMs: number;
  executionMs: number;
  nodeTypes: string[];
  scanTypes: string[];
  indexOnly: boolean;
  indexes: string[];
  sortSteps: number;
  partitionsScanned: string[];
  sharedHitBlocks: number;
  sharedReadBlocks: number;
  /** Every relation a scan node read (tables, partitions). */
  relations?: string[];
  /** Heap fetches of index-only scans; > 0 means the visibility map was stale. */
  heapFetches?: number;
  /** Partitions pruned at executor start-up ("Subplans Removed"). */
  subplansRemoved?: number;
  /** The raw EXPLAIN JSON, kept for the appendix. */
  raw?: unknown;
}

export interface SampleSet {
  name: string;
  unit: Unit;
  values: number[];
}

export interface TimePoint {
  /** Milliseconds since the scenario started. */
  t: number;
  value: number;
}

export interface TimeSeries {
  name: string;
  unit: Unit;
  points: TimePoint[];
}

export interface TimelineMark {
  t: number;
  label: string;
  kind: 'fault-start' | 'fault-end' | 'phase' | 'event';
  /** Fault kind when this mark comes from the fault schedule, e.g. "redis-kill". */
  fault?: string;
}

export interface Timeline {
  name: string;
  title: string;
  series: TimeSeries[];
  marks: TimelineMark[];
}

export interface Evidence {
  plans: PlanEvidence[];
  samples: SampleSet[];
  timelines: Timeline[];
}

export interface ResultError {
  code: string;
  message: string;
  hint?: string;
}

/** loadlab's figure for one subject beside an independent tool's figure for the same thing. */
export interface CalibrationRow {
  scenario: string;
  /** What was measured twice, e.g. "get_events.all" or "GET listing (optimized)". */
  subject: string;
  kind: 'query' | 'http';
  /** Statement mode of both clients (query rows). */
  mode?: StatementMode;
  statistic: 'p50' | 'p95';
  unit: 'ms';
  loadlab: number;
  loadlabN: number;
  independent: number;
  independentN: number;
  /** The independent tool and how it ran, e.g. "pgbench 15.20 -M prepared". */
  tool: string;
  /** loadlab / independent. */
  ratio: number;
  bounds: { low: number; high: number };
  withinBounds: boolean;
  /**
   * Whether this row's ratio decides trust: outside its bounds the run is untrusted (exit 6).
   * False for p95 rows, for subjects under CALIBRATION_BOUNDS.minEnforcedMs, and for query rows
   * whose gap to pgbench the driver measurement attributes to node-postgres itself (`driver`).
   */
  enforced: boolean;
  /**
   * Query rows: node-postgres' own Client alone on the same statement (same mode, rows as text),
   * timed call by call in turn with loadlab's sends, so the gap to pgbench splits into what the
   * JS driver costs against libpq (driverRatio) and what loadlab's query path adds (harnessRatio).
   */
  driver?: CalibrationDriver;
}

/** The bare-driver side of a query calibration row. */
export interface CalibrationDriver {
  /** node-postgres Client alone, same statistic as the row. */
  value: number;
  n: number;
  /** loadlab / driver: what loadlab's own query path (pool, Db, timer, histogram) adds. */
  harnessRatio: number;
  /** driver / independent: node-postgres against libpq on the same statement. */
  driverRatio: number;
  /** Whether harnessRatio lies within the row's bounds. */
  withinBounds: boolean;
  /** Whether harnessRatio decides trust (p50 rows). */
  enforced: boolean;
}

/**
 * Whether a calibration row makes the run untrusted: its ratio to the independent tool is
 * enforced and outside the bounds, or its harness ratio (loadlab / the bare driver) is.
 */
export function calibrationRowUntrusted(r: Pick<CalibrationRow, 'enforced' | 'withinBounds' | 'driver'>): boolean {
  return (r.enforced && !r.withinBounds) || (r.driver !== undefined && r.driver.enforced && !r.driver.withinBounds);
}

/**
 * The harness's own share of a query row's gap to pgbench, 1 + (loadlab - driver) / pgbench: the
 * ratio loadlab would have if node-postgres were as fast as libpq. A row too slow against pgbench
 * whose share is within the upper bound is the driver's gap, not the harness's.
 */
export function harnessShare(r: { loadlab: number; independent: number }, driverValue: number): number {
  return 1 + (r.loadlab - driverValue) / r.independent;
}

export interface CalibrationSkip {
  scenario: string;
  subject: string;
  reason: string;
}

/** Every figure checked against an independent tool in this run, and what could not be. */
export interface Calibration {
  /** One paragraph per scenario that calibrated: how both figures were obtained. */
  methods: { scenario: string; method: string }[];
  rows: CalibrationRow[];
  skipped: CalibrationSkip[];
}

/**
 * A hot query's client-side latency split into server planning, server execution and the rest
 * (client, protocol, network), per variant and statement mode. Server parts are means (the
 * server keeps no distribution), so the split is of the client mean; the client percentiles
 * come from the histogram.
 */
export interface LatencyBreakdownRow {
  query: string;
  variant: string;
  mode: StatementMode;
  /** Executions behind the client figures. */
  n: number;
  clientP50Ms: number;
  clientP95Ms: number;
  clientMeanMs: number;
  /** null when the server figures are unavailable (no pg_stat_statements with track_planning). */
  planMeanMs: number | null;
  execMeanMs: number | null;
  /** clientMeanMs - planMeanMs - execMeanMs: driver, protocol and loopback. */
  clientOverheadMeanMs: number | null;
  /** Server plannings per execution (about 0 once a prepared statement uses its generic plan). */
  plansPerCall: number | null;
  /** Where the server figures came from. */
  source: 'pg_stat_statements' | 'explain' | 'none';
  /** One EXPLAIN (ANALYZE, SUMMARY) of the same statement, as a cross-check. */
  explainPlanningMs?: number;
  explainExecutionMs?: number;
}

/**
 * The load generator's own headroom during one scenario: the self-check's inputs beside its limits
 * (over a limit, the scenario is untrusted: the figures would describe the harness).
 */
export interface GeneratorHeadroom {
  eventLoopDelayP99Ms: number;
  eventLoopDelayLimitMs: number;
  /** p95 of per-interval CPU, % of one core; null when no CPU sample was taken. */
  cpuP95Percent: number | null;
  cpuLimitPercent: number;
  /** Whose CPU: the main thread where the OS gives per-thread time, else the whole process. */
  cpuOf: 'main thread' | 'process';
  /** Deliberate stalls (forced full GCs before heap readings) left out of the event-loop delay. */
  excludedStalls?: { count: number; ms: number };
}

export interface ScenarioResult {
  name: string;
  title: string;
  auditRef: string;
  /** How the scenario measured, in prose, for the human report. */
  method?: string;
  /** Per-query latency split (query-latency). */
  latencyBreakdown?: LatencyBreakdownRow[];
  status: ScenarioStatus;
  trusted: boolean;
  untrustedReasons: string[];
  /** The load generator's headroom against the self-check's limits (absent in results before it was recorded). */
  generator?: GeneratorHeadroom;
  durationMs: number;
  measurements: Measurements;
  comparisons: Comparison[];
  budgets: BudgetResult[];
  findings: Finding[];
  evidence: Evidence;
  error?: ResultError;
}

export interface CapacityLevel {
  concurrency: number;
  throughput: number;
  throughputUnit: Unit;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms?: number;
  /** Mean latency, used only for the Little's-law check (L = X * W needs the mean). */
  latencyMeanMs?: number;
  errors: number;
  completed: number;
}

export interface UslFit {
  sigma: number;
  kappa: number;
  lambda: number;
  /** N* = sqrt((1 - sigma) / kappa); null when kappa is 0 (no retrograde region). */
  peakConcurrency: number | null;
  peakThroughput: number | null;
  r2: number;
}

export interface LittleCheck {
  concurrency: number;
  /** L = X * W from measured throughput and mean latency. */
  predicted: number;
  measured: number;
  relativeError: number;
  ok: boolean;
}

export interface CapacityModel {
  scenario: string;
  levels: CapacityLevel[];
  knee: { concurrency: number; throughput: number; method: string } | null;
  usl: UslFit | null;
  littlesLaw: LittleCheck[];
  /** Projections, e.g. sessions/s at the knee and sessions/day. */
  projections: Record<string, Counter>;
}

export interface Artifact {
  name: string;
  /** Relative to the report folder. */
  path: string;
  kind: 'flamegraph' | 'doctor' | 'heap' | 'screenshot' | 'log' | 'other';
}

export interface RunResult {
  schemaVersion: typeof RUN_RESULT_SCHEMA_VERSION;
  environment: Environment;
  profile: Profile;
  status: RunStatus;
  trusted: boolean;
  untrustedReasons: string[];
  durationMs: number;
  scenarios: ScenarioResult[];
  budgets: BudgetResult[];
  findings: Finding[];
  claims: Claim[];
  capacity: CapacityModel | null;
  artifacts: Artifact[];
  /** Figures checked against independent tools (pgbench, an autocannon child process). */
  calibration?: Calibration;
  exitCode: ExitCode;
  error?: ResultError;
}
