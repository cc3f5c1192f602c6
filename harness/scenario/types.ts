import type { EngineConfigInput } from '../../engine/config/index.js';
import type { Logger } from '../../engine/log/index.js';
import type { OptimizationName } from '../../engine/migrate/index.js';
import type { Infra, RedisHandle } from '../infra/index.js';
import type { Recorder, SelfCheckThresholds } from '../metrics/index.js';
import type {
  CalibrationRow,
  CalibrationSkip,
  CapacityModel,
  Claim,
  Comparison,
  Evidence,
  Finding,
  LatencyBreakdownRow,
  Profile,
} from '../result/index.js';

import type { BudgetSet } from '../budgets/index.js';

/** Budget thresholds as data: metric name -> statistic -> condition, e.g. `{ 'query.list': { p95: '< 10ms' } }`. */
export type BudgetTable = BudgetSet;

/** A database prepared for a scenario: a clone of the run's seeded template, or a fresh schema. */
export interface ScenarioDatabase {
  name: string;
  url: string;
  optimizations: OptimizationName[];
  seeded: boolean;
}

export interface DataProvider {
  /** Seeds the run's template now (idempotent); the runner calls it before the first scenario that declares `seededData`. */
  prepare(): Promise<void>;
  /**
   * A database of its own for this scenario. `seeded` (default true) clones the run's seeded
   * template (seeded once per run, so every variant sees identical rows); then applies the
   * chosen optimisations on top. Dropped when the scenario ends unless --keep.
   */
  database(options: {
    label: string;
    optimizations?: readonly OptimizationName[] | 'all' | 'none';
    seeded?: boolean;
  }): Promise<ScenarioDatabase>;
  /** The heaviest seeded user and a token the API accepts for it (undefined before seeding). */
  heavyUser(): Promise<{ userId: string; token: string } | undefined>;
  /** The seeded template's database name, once it exists (it lives for the whole run). */
  templateName(): Promise<string | undefined>;
}

/** What a scenario adds to the RunResult besides raw measurements. */
export interface ScenarioReport {
  comparisons: Comparison[];
  /** Findings are ranked across the run by measured impact; rank is filled in at the end. */
  findings: Omit<Finding, 'rank' | 'scenario'>[];
  claims: Omit<Claim, 'scenario'>[];
  evidence: Evidence;
  capacity?: CapacityModel;
  /** Set when the correctness oracle or an accounting invariant found lost or duplicated data (exit 4). */
  dataLoss: string[];
  /** Set when the scenario knows its own numbers cannot be trusted (exit 6). */
  untrusted: string[];
  /** How the scenario measured, in prose: shown in the human report beside its tables. */
  method?: string;
  /** Per-query latency split into planning, execution and client (query-latency). */
  latencyBreakdown?: LatencyBreakdownRow[];
  /**
   * Figures re-measured by an independent tool (build rows with calibrationRow). An enforced row
   * outside its bounds makes the scenario untrusted; the runner adds that reason.
   */
  calibration: { method?: string; rows: Omit<CalibrationRow, 'scenario'>[]; skipped: Omit<CalibrationSkip, 'scenario'>[] };
}

export interface ScenarioContext<P> {
  readonly name: string;
  readonly profile: Profile;
  readonly params: P;
  readonly seed: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly infra: Infra;
  readonly data: DataProvider;
  /** Named histograms, counters and ratios: budgets are evaluated against these. */
  readonly recorder: Recorder;
  readonly report: ScenarioReport;
  /** A Redis the scenario may kill or pause (the run's child, or a new child when REDIS_URL is external). */
  ownedRedis(): Promise<RedisHandle>;
  /** Optimisations this run turned off (`--disable`): schema tracks and engine features. */
  readonly disabled: readonly string[];
  /**
   * The engine config to build an engine with: `input` plus the run's disabled engine features
   * forced to their audited values. Every scenario builds its engines through this.
   */
  engineConfig(input: EngineConfigInput): EngineConfigInput;
  /** Milliseconds since the scenario started: the time base of timelines and fault marks. */
  elapsed(): number;
  /** Live progress: phase name and one key figure. */
  progress(phase: string, figure?: string): void;
}

export interface ScenarioDefinition<P = Record<string, unknown>, S = void> {
  /** kebab-case, unique; `loadlab run <name>`. */
  name: string;
  title: string;
  /** Section of the 2025-12-22 audit this scenario measures, e.g. "§1.2, §9 scenario 2". */
  auditRef: string;
  /** Load shape per profile; `ci` must finish in seconds. */
  profiles: Record<Profile, P>;
  /** Default thresholds, evaluated after the run (loadlab.config.ts may override per profile). */
  budgets: BudgetTable;
  /**
   * Generator self-check limits for this scenario (harness/metrics SELF_CHECK_DEFAULTS): a
   * scenario timing sub-millisecond queries needs a quiet event loop; one timing multi-second
   * sessions tolerates a busier one. loadlab.config.ts `selfCheck` overrides both.
   */
  selfCheck?: Partial<SelfCheckThresholds>;
  /**
   * True when the scenario reads the run's seeded data (`ctx.data.database({ seeded: true })`):
   * the runner then seeds before the first scenario, outside every scenario's deadline and
   * self-check window. A scenario that asks without declaring it still gets the data, but pays
   * for the seeding in its own timings.
   */
  seededData?: boolean;
  /**
   * Clones of the seeded template this scenario holds at the same time (default 1 when
   * `seededData`): the disk preflight sizes a run by its largest scenario.
   */
  seededDatabases?: number;
  /** Upper bound on one run, so a hung scenario cannot hang CI. */
  timeoutMs?: Partial<Record<Profile, number>>;
  setup?(ctx: ScenarioContext<P>): Promise<S>;
  run(ctx: ScenarioContext<P>, state: S): Promise<void>;
  teardown?(ctx: ScenarioContext<P>, state: S): Promise<void>;
}

/** The type-erased form the registry and runner handle. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyScenario = ScenarioDefinition<any, any>;
