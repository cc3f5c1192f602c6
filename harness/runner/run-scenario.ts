import { isLoadlabError, LoadlabError } from '../../engine/errors/index.js';
import type { Logger } from '../../engine/log/index.js';
import { HARNESS_ERRORS } from '../errors/index.js';
import type { Infra, RedisHandle } from '../infra/index.js';
import { calibrationReasons, generatorSelfCheck, Recorder, startResourceSampler, type SelfCheckThresholds } from '../metrics/index.js';
import {
  emptyScenarioResult,
  type BudgetResult,
  type Calibration,
  type CapacityModel,
  type Claim,
  type Measurements,
  type Profile,
  type ScenarioResult,
} from '../result/index.js';
import { NOTHING_DISABLED, withDisabled, type DisabledOptimizations } from '../audit/index.js';
import type { AnyScenario, BudgetTable, DataProvider, ScenarioContext, ScenarioReport } from '../scenario/index.js';

export const SCENARIO_RUN_DEFAULTS = {
  timeoutMs: { ci: 120_000, default: 900_000, full: 3_600_000 } as Record<Profile, number>,
} as const;

export type BudgetEvaluator = (table: BudgetTable, measurements: Measurements, scenario: string) => BudgetResult[];

export interface ScenarioOutcome {
  result: ScenarioResult;
  claims: Claim[];
  capacity: CapacityModel | undefined;
  dataLoss: string[];
  /** This scenario's calibration rows, methods and skips, with its name filled in. */
  calibration: Calibration;
}

export interface RunScenarioOptions {
  profile: Profile;
  seed: number;
  infra: Infra;
  data: DataProvider;
  logger: Logger;
  signal: AbortSignal;
  budgets: BudgetTable;
  evaluate: BudgetEvaluator;
  disabled?: DisabledOptimizations;
  /** Self-check limits from the config; they override the scenario's own. */
  selfCheck?: Partial<SelfCheckThresholds>;
  onProgress?: (scenario: string, phase: string, figure: string | undefined, elapsedMs: number) => void;
}

function emptyReport(): ScenarioReport {
  return {
    comparisons: [],
    findings: [],
    claims: [],
    evidence: { plans: [], samples: [], timelines: [] },
    dataLoss: [],
    untrusted: [],
    calibration: { rows: [], skipped: [] },
  };
}

/**
 * Runs one scenario with a deadline, samples the harness process while it runs (to mark results
 * untrusted when the generator saturates), then evaluates its budgets. A scenario that throws
 * becomes status `error` with its code; the run goes on with the next one.
 */
export async function runScenario(def: AnyScenario, options: RunScenarioOptions): Promise<ScenarioOutcome> {
  const started = performance.now();
  const timeoutMs = def.timeoutMs?.[options.profile] ?? SCENARIO_RUN_DEFAULTS.timeoutMs[options.profile];
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const recorder = new Recorder();
  const report = emptyReport();
  const result = emptyScenarioResult({ name: def.name, title: def.title, auditRef: def.auditRef });
  const logger = options.logger.child({ scenario: def.name });
  let ownedRedis: RedisHandle | undefined;
  const ctx: ScenarioContext<unknown> = {
    name: def.name,
    profile: options.profile,
    params: def.profiles[options.profile],
    seed: options.seed,
    signal,
    logger,
    infra: options.infra,
    data: options.data,
    recorder,
    report,
    async ownedRedis() {
      if (options.infra.redis?.owned === true) return options.infra.redis;
      ownedRedis ??= await options.infra.startOwnedRedis();
      return ownedRedis;
    },
    disabled: (options.disabled ?? NOTHING_DISABLED).names,
    engineConfig: (input) => withDisabled(input, options.disabled ?? NOTHING_DISABLED),
    elapsed: () => performance.now() - started,
    progress: (phase, figure) => options.onProgress?.(def.name, phase, figure, performance.now() - started),
  };

  const sampler = startResourceSampler();
  let state: unknown;
  try {
    options.onProgress?.(def.name, 'setup', undefined, 0);
    state = def.setup === undefined ? undefined : await def.setup(ctx);
    options.onProgress?.(def.name, 'run', undefined, performance.now() - started);
    await abortable(def.run(ctx, state), signal);
  } catch (err) {
    if (options.signal.aborted) {
      result.status = 'aborted';
    } else {
      result.status = 'error';
      const e = timeout.aborted
        ? new LoadlabError(HARNESS_ERRORS.SCENARIO_TIMEOUT, `scenario ${def.name} did not finish within ${timeoutMs} ms`)
        : err;
      result.error = isLoadlabError(e)
        ? { code: e.code, message: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }) }
        : { code: HARNESS_ERRORS.SCENARIO_ERROR, message: e instanceof Error ? e.message : String(e) };
      logger.error({ err: e }, 'scenario failed');
    }
  } finally {
    try {
      if (def.teardown !== undefined) await def.teardown(ctx, state);
    } catch (err) {
      logger.warn({ err }, 'teardown failed');
    }
    if (ownedRedis !== undefined && ownedRedis !== options.infra.redis) await ownedRedis.stop().catch(() => undefined);
  }

  const samples = sampler.stop();
  const check = generatorSelfCheck(samples, { ...def.selfCheck, ...options.selfCheck });
  result.durationMs = performance.now() - started;
  result.measurements = recorder.toMeasurements({ buckets: true });
  result.comparisons = report.comparisons;
  result.findings = report.findings.map((f) => ({ ...f, scenario: def.name, rank: 0 }));
  result.evidence = {
    ...report.evidence,
    timelines: [
      ...report.evidence.timelines,
      { name: 'harness-resources', title: 'Load generator: event-loop delay, CPU, RSS', series: samples.series, marks: [] },
    ],
  };
  if (report.method !== undefined) result.method = report.method;
  if (report.latencyBreakdown !== undefined) result.latencyBreakdown = report.latencyBreakdown;
  result.untrustedReasons = [...report.untrusted, ...calibrationReasons(report.calibration.rows), ...check.reasons];
  result.trusted = result.untrustedReasons.length === 0;
  result.generator = check.headroom;
  result.budgets = result.status === 'passed' ? options.evaluate(options.budgets, result.measurements, def.name) : [];
  if (result.status === 'passed' && (result.budgets.some((b) => !b.passed && b.judgeable !== false) || report.dataLoss.length > 0))
    result.status = 'failed';
  return {
    result,
    claims: report.claims.map((c) => ({ ...c, scenario: def.name })),
    capacity: report.capacity,
    dataLoss: report.dataLoss.map((d) => `${def.name}: ${d}`),
    calibration: {
      methods: report.calibration.method === undefined ? [] : [{ scenario: def.name, method: report.calibration.method }],
      rows: report.calibration.rows.map((r) => ({ scenario: def.name, ...r })),
      skipped: report.calibration.skipped.map((r) => ({ scenario: def.name, ...r })),
    },
  };
}

/** Rejects as soon as the signal aborts, even if the scenario ignores it. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
