import type { Logger } from '../../engine/log/index.js';
import { resolveConfig } from '../../engine/config/index.js';
import { NOTHING_DISABLED, unmeasuredClaims, withDisabled, type DisabledOptimizations } from '../audit/index.js';
import { HARNESS_ERRORS } from '../errors/index.js';
import { DiskMonitor, locateData, type DataLocation, type Infra } from '../infra/index.js';
import { emptyRunResult, finalizeRunResult, type Profile, type RunResult } from '../result/index.js';
import type { SelfCheckThresholds } from '../metrics/index.js';
import type { AnyScenario, BudgetTable } from '../scenario/index.js';
import { createDataProvider, type SeedFn } from './data.js';
import { collectEnvironment } from './environment.js';
import type { PreflightVerdict } from './preflight.js';
import { runScenario, type BudgetEvaluator } from './run-scenario.js';

export interface RunOptions {
  scenarios: readonly AnyScenario[];
  profile: Profile;
  seed: number;
  timeScale?: number;
  infra: Infra;
  logger: Logger;
  signal: AbortSignal;
  /** Budgets from loadlab.config.ts for this profile; a key overrides the scenario's default of the same name. */
  budgetOverrides: BudgetTable;
  evaluate: BudgetEvaluator;
  selfCheck?: Partial<SelfCheckThresholds>;
  /** Optimisations turned off for this run (`--disable`). */
  disabled?: DisabledOptimizations;
  seedFn: SeedFn | undefined;
  onScenarioStart?: (scenario: AnyScenario, index: number, total: number) => void;
  onScenarioEnd?: (result: RunResult['scenarios'][number], index: number, total: number) => void;
  onProgress?: (scenario: string, phase: string, figure: string | undefined, elapsedMs: number) => void;
  onSeedProgress?: (line: string) => void;
  /** Where the server keeps its data (the preflight found it already; otherwise looked up here). */
  dataLocation?: DataLocation;
  /** The disk preflight's verdict, recorded in environment.disk. */
  preflight?: PreflightVerdict;
}

/** Budgets for one scenario: its defaults, with config entries for the same metric replacing them. */
export function budgetsFor(def: AnyScenario, overrides: BudgetTable): BudgetTable {
  const table: BudgetTable = { ...def.budgets };
  for (const [metric, stats] of Object.entries(overrides)) {
    if (metric in def.budgets || metric.startsWith(`${def.name}.`)) table[metric] = stats;
  }
  return table;
}

/** Runs scenarios one after another (they share the machine; running them together would measure each other). */
export async function runScenarios(options: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const env = await collectEnvironment(options.infra, { profile: options.profile, seed: options.seed, timeScale: options.timeScale ?? 1 });
  let result = emptyRunResult(env);
  const data = createDataProvider({
    infra: options.infra,
    profile: options.profile,
    seed: options.seed,
    seedFn: options.seedFn,
    logger: options.logger,
    ...(options.onSeedProgress === undefined ? {} : { onProgress: options.onSeedProgress }),
    ...(options.disabled === undefined ? {} : { disabledMigrations: options.disabled.migrations }),
  });
  if (options.disabled !== undefined && options.disabled.names.length > 0) {
    result.environment = { ...result.environment, disabledOptimizations: options.disabled.names };
  }
  // What each engine variant sends, after --disable (db.statementMode is one of the switches).
  const modeOf = (variant: 'audited' | 'optimized'): 'simple' | 'unnamed' | 'prepared' =>
    resolveConfig(withDisabled({ variant }, options.disabled ?? NOTHING_DISABLED)).db.statementMode;
  result.environment = { ...result.environment, statementModes: { audited: modeOf('audited'), optimized: modeOf('optimized') } };
  const dataLoss: string[] = [];
  const total = options.scenarios.length;
  const disk = new DiskMonitor(
    options.infra.postgres.adminUrl,
    options.dataLocation ?? (await locateData(options.infra.postgres.adminUrl).catch(() => ({ directory: null, freeBytes: null }))),
    undefined,
    () => options.infra.databases(),
  );
  await disk.begin();
  if (options.scenarios.some((s) => s.seededData === true) && !options.signal.aborted) {
    const t = performance.now();
    options.onSeedProgress?.('preparing the seeded template database');
    await data.prepare();
    result.environment = { ...result.environment, dataPreparationMs: Math.round(performance.now() - t) };
  }
  for (const [i, def] of options.scenarios.entries()) {
    if (options.signal.aborted) break;
    options.onScenarioStart?.(def, i, total);
    const before = new Set(options.infra.databases());
    const outcome = await runScenario(def, {
      profile: options.profile,
      seed: options.seed,
      infra: options.infra,
      data,
      logger: options.logger,
      signal: options.signal,
      budgets: budgetsFor(def, options.budgetOverrides),
      evaluate: options.evaluate,
      ...(options.selfCheck === undefined ? {} : { selfCheck: options.selfCheck }),
      ...(options.disabled === undefined ? {} : { disabled: options.disabled }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    result.scenarios.push(outcome.result);
    result.claims.push(...outcome.claims);
    if (outcome.capacity !== undefined) result.capacity = outcome.capacity;
    const cal = outcome.calibration;
    if (cal.rows.length + cal.skipped.length + cal.methods.length > 0) {
      const prev = result.calibration ?? { methods: [], rows: [], skipped: [] };
      result.calibration = {
        methods: [...prev.methods, ...cal.methods],
        rows: [...prev.rows, ...cal.rows],
        skipped: [...prev.skipped, ...cal.skipped],
      };
    }
    dataLoss.push(...outcome.dataLoss);
    await releaseScenarioDatabases(options.infra, data, before, disk, options.logger);
    options.onScenarioEnd?.(outcome.result, i, total);
  }
  const diskSummary = await disk.end();
  result.environment = {
    ...result.environment,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    disk: { ...diskSummary, ...(options.preflight === undefined ? {} : { preflight: options.preflight }) },
  };
  result.claims.push(...unmeasuredClaims(result.claims));
  if (dataLoss.length > 0) result = { ...result, error: { code: HARNESS_ERRORS.DATA_LOSS, message: dataLoss.join('; ') } };
  return finalizeRunResult(result, {
    finishedAt: new Date().toISOString(),
    durationMs: performance.now() - t0,
    aborted: options.signal.aborted,
    flags: { dataLoss: dataLoss.length > 0 },
  });
}

/**
 * Drops what a scenario created (its clones, its empty databases) as soon as it ends, so a run's
 * disk peak is the template plus its largest scenario rather than the sum of all of them. The
 * template stays for the scenarios after it; --keep keeps everything to the end.
 */
async function releaseScenarioDatabases(
  infra: Infra,
  data: { templateName(): Promise<string | undefined> },
  before: ReadonlySet<string>,
  disk: DiskMonitor,
  logger: Logger,
): Promise<void> {
  await disk.sample();
  if (infra.keep) return;
  const template = await data.templateName();
  for (const name of infra.databases()) {
    if (before.has(name) || name === template) continue;
    await infra
      .dropDatabase(name)
      .catch((err: unknown) =>
        logger.warn({ database: name, err: (err as Error).message }, 'could not drop a scenario database; it goes at the end of the run'),
      );
  }
  await disk.sample();
}
