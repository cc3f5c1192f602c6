import { Option, type Command } from 'commander';
import { createEngine, type Engine } from '../../../engine/index.js';
import { LoadlabError } from '../../../engine/errors/index.js';
import { LLM_ERRORS, MOCK_PROFILE_NAMES, RATE_LIMIT_PRESET_NAMES } from '../../../engine/llm/index.js';
import { connectClient, migrate, OPTIMIZATION_NAMES } from '../../../engine/migrate/index.js';
import { HARNESS_ERRORS } from '../../errors/index.js';
import { createHistogram } from '../../metrics/index.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { CommandContext } from './types.js';

interface SimulateOptions {
  sessions: string;
  concurrency: string;
  variant: 'audited' | 'optimized';
  mockProfile: string;
  timeScale: string;
  rateLimits: string;
  brokerRetries: string;
  seed: string;
  databaseUrl?: string;
  redisUrl?: string;
  json?: boolean;
}

// Problems of different lengths, so decomposition yields 1-4 sub-problems (complexity by words, §3).
const PROBLEMS = [
  'Should we raise prices for the starter plan?',
  'Should we hire two more support engineers this quarter or invest in self-service onboarding instead, given churn rising among small customers?',
  'Our subscription product is growing slowly in its home market. Should we expand into Germany next year, and if so through a local partner or our own sales team, given a tight budget, an unproven localisation effort and a competitor that just raised a large round?',
  'We run a regional logistics business with thin margins. Fuel costs are volatile, two large customers want longer payment terms, and a software vendor offers route optimisation on a three-year contract. Our strategy for the next two years has to decide between automation, renegotiating customer contracts, and acquisition of a smaller competitor with an attractive depot network, while keeping enough cash to survive a downturn and retaining our best drivers in a tight labour market.',
];

const positiveInt = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new LoadlabError(HARNESS_ERRORS.USAGE, `--${name} must be a positive integer, got "${v}"`);
  return n;
};

/** `loadlab simulate`: N complete deliberations, C at a time, through the real engine against a mock LLM. */
export function registerSimulateCommand(program: Command, ctx: CommandContext): void {
  program
    .command('simulate')
    .description(
      'Run N complete deliberations (C concurrently) through the engine with the mock LLM; report calls, cost, events and the cost accounting',
    )
    .option('--sessions <n>', 'number of sessions', '10')
    .option('--concurrency <c>', 'sessions in flight at once', '5')
    .addOption(new Option('--variant <v>', 'engine variant').choices(['audited', 'optimized']).default('optimized'))
    .addOption(new Option('--mock-profile <name>', 'mock LLM profile').choices(MOCK_PROFILE_NAMES).default('realistic'))
    .option('--time-scale <s>', 'multiplies every mock delay (0.01 = 100x faster); durations are also reported in mock real time', '1')
    .option(
      '--rate-limits <preset>',
      `provider rate limits the mock enforces (${RATE_LIMIT_PRESET_NAMES.join(', ')}); 429s are retried by the SDK`,
      'none',
    )
    .option(
      '--broker-retries <n>',
      "retries of the whole SDK call on 429/5xx, as the audited broker did (bo1: 5); 0 = the SDK's own retries only",
      '0',
    )
    .option('--seed <n>', 'mock seed (deterministic text and latencies)', '1')
    .option('--database-url <url>', 'use this PostgreSQL server instead of an embedded one')
    .option('--redis-url <url>', 'use this Redis instead of a redis-server child')
    .option('--json', 'print exactly one JSON object')
    .action(async (opts: SimulateOptions) => {
      const printer = ctx.printer(opts.json === true);
      const sessions = positiveInt('sessions', opts.sessions);
      const concurrency = Math.min(sessions, positiveInt('concurrency', opts.concurrency));
      const timeScale = Number(opts.timeScale);
      if (!(timeScale >= 0) || !Number.isFinite(timeScale))
        throw new LoadlabError(HARNESS_ERRORS.USAGE, `--time-scale must be a number >= 0, got "${opts.timeScale}"`);
      const brokerRetries = Number(opts.brokerRetries);
      if (!Number.isInteger(brokerRetries) || brokerRetries < 0)
        throw new LoadlabError(HARNESS_ERRORS.USAGE, `--broker-retries must be an integer >= 0, got "${opts.brokerRetries}"`);
      // Checked before any infrastructure starts, with the engine's own code for an unknown preset.
      if (!RATE_LIMIT_PRESET_NAMES.includes(opts.rateLimits)) {
        throw new LoadlabError(LLM_ERRORS.RATE_LIMIT_PRESET_UNKNOWN, `--rate-limits: unknown preset "${opts.rateLimits}"`, {
          hint: `use one of: ${RATE_LIMIT_PRESET_NAMES.join(', ')}`,
        });
      }
      if (opts.rateLimits !== 'none' && timeScale === 0) {
        throw new LoadlabError(
          HARNESS_ERRORS.USAGE,
          `--rate-limits ${opts.rateLimits} needs --time-scale > 0 (at 0 no provider time passes, so buckets never refill)`,
          { hint: 'use --time-scale 0.01 for a fast run' },
        );
      }
      await ctx.withInfra({ databaseUrl: opts.databaseUrl, redisUrl: opts.redisUrl, label: 'simulate' }, async (infra) => {
        const database = await infra.createDatabase('simulate');
        await migrate({ databaseUrl: database.url, optimizations: opts.variant === 'optimized' ? OPTIMIZATION_NAMES : [] });
        const redisUrl = infra.redis?.url;
        if (redisUrl === undefined)
          throw new LoadlabError(HARNESS_ERRORS.USAGE, 'simulate needs Redis', {
            hint: 'pass --redis-url or let loadlab start a redis-server child',
          });
        printer.status(
          `simulate: ${sessions} sessions, ${concurrency} concurrent, variant ${opts.variant}, mock ${opts.mockProfile} x${timeScale}, rate limits ${opts.rateLimits}`,
        );
        const engine = await createEngine({
          config: {
            variant: opts.variant,
            databaseUrl: database.url,
            redisUrl,
            redisKeyPrefix: `${infra.runId}:`,
            llm: { mockProfile: opts.mockProfile, timeScale, seed: Number(opts.seed), rateLimits: opts.rateLimits, brokerRetries },
          },
          logger: ctx.logger,
        });
        const report = await drive(engine, sessions, concurrency, (done, failed) =>
          printer.progress(`sessions ${done + failed}/${sessions} (failed ${failed})`),
        );
        printer.endProgress();
        await engine.close();
        const m = engine.metrics();
        const persistedEvents = await countRows(database.url, 'session_events');
        const persistedCosts = await countRows(database.url, 'api_costs');
        const c = m.costs;
        const mockStats = engine.llm.mock?.stats();
        const result = {
          sessions: {
            completed: report.completed,
            failed: report.failed,
            evicted: m.sessions.evicted,
            peakWaitingStarts: m.sessions.peakWaitingStarts,
          },
          llmCalls: m.llm.calls,
          llmAttempts: m.llm.attempts,
          llmCallsByModel: m.llm.callsByModel,
          llmInFlightPeak: m.llm.inFlightPeak,
          embeddingRequests: m.llm.embeddingRequests,
          // HTTP 429 answers (rate-limit buckets and injected faults alike), by the limit that refused where the mock says.
          rateLimited: m.llm.rateLimited,
          rateLimitedBy: mockStats?.rateLimited ?? null,
          overloaded: m.llm.overloaded,
          // SDK retries (attempts beyond each call's first), and what they cost: the failed attempts'
          // priced usage (the API bills no tokens for a refused request), their cost rows, and the time
          // calls spent before their final attempt (failed attempts plus backoff).
          retries: m.llm.retries,
          brokerRetries: m.llm.brokerRetries,
          retryCost: {
            usd: Number(m.llm.failedAttemptCostUsd.toFixed(6)),
            failedAttemptRecords: m.llm.failedAttempts,
            waitMs: Math.round(m.llm.retryWaitMs),
            waitMockRealTimeMs: timeScale > 0 ? Math.round(m.llm.retryWaitMs / timeScale) : null,
          },
          failedLlmCalls: m.llm.failedCalls,
          totalCostUsd: Number(report.costUsd.toFixed(6)),
          events: { emitted: m.events.emitted, persisted: persistedEvents },
          costRecords: {
            generated: c.generated,
            persisted: c.persisted,
            queued: c.queued,
            buffered: c.buffered,
            evicted: c.evicted,
            lostInRetryQueue: c.lostInRetryQueue,
            inDatabase: persistedCosts,
          },
          sessionDurationMs: report.durations,
          // The mock's clock: durations divided by timeScale (what the same run takes at real latencies).
          sessionDurationMockRealTimeMs: timeScale > 0 ? scale(report.durations, 1 / timeScale) : null,
          failureReasons: report.failureReasons,
          failures: report.failures.slice(0, 5),
          config: {
            variant: opts.variant,
            mockProfile: opts.mockProfile,
            timeScale,
            seed: Number(opts.seed),
            concurrency,
            rateLimits: opts.rateLimits,
            brokerRetries,
          },
          wallTimeMs: Math.round(report.wallMs),
        };
        // Evictions and records lost from the retry list are accounted for, but still data loss for simulate.
        const accountingOk =
          c.generated === c.persisted + c.queued + c.buffered + c.evicted + c.lostInRetryQueue &&
          c.evicted === 0 &&
          c.lostInRetryQueue === 0;
        const eventsOk = result.events.emitted === result.events.persisted;
        printer.line(
          `sessions: ${report.completed} completed, ${report.failed} failed (${m.sessions.evicted} evicted) in ${(report.wallMs / 1000).toFixed(1)} s`,
        );
        printer.line(
          `LLM calls: ${m.llm.calls} (${m.llm.attempts} attempts) ${Object.entries(m.llm.callsByModel)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}; embedding requests ${m.llm.embeddingRequests}`,
        );
        printer.line(
          `rate limited (429): ${result.rateLimited}, overloaded (529): ${result.overloaded}, SDK retries: ${result.retries}, time before final attempts: ${result.retryCost.waitMs} ms, failed LLM calls: ${result.failedLlmCalls}`,
        );
        printer.line(`total cost (in-state formula): $${result.totalCostUsd.toFixed(4)}`);
        printer.line(`events: emitted ${result.events.emitted}, persisted ${result.events.persisted}${eventsOk ? '' : '  <-- MISMATCH'}`);
        printer.line(
          `cost records: generated ${c.generated} = persisted ${c.persisted} + queued ${c.queued} + buffered ${c.buffered} + evicted ${c.evicted} + lost in retry queue ${c.lostInRetryQueue}${accountingOk ? '' : '  <-- INVARIANT VIOLATED'}`,
        );
        printer.line(
          `session duration ms: p50 ${report.durations.p50} p95 ${report.durations.p95} p99 ${report.durations.p99} (n=${report.durations.count})`,
        );
        for (const [code, n] of Object.entries(result.failureReasons)) printer.line(`  failed sessions with ${code}: ${n}`);
        for (const f of result.failures) printer.line(`  failed ${f.sessionId}: ${f.code} ${f.message}`);
        printer.result(result);
        if (!accountingOk || !eventsOk) ctx.setExitCode(EXIT_CODES.DATA_LOSS);
      });
    });
}

interface DriveReport {
  completed: number;
  failed: number;
  costUsd: number;
  wallMs: number;
  durations: { count: number; p50: number; p95: number; p99: number; max: number };
  failures: { sessionId: string; code: string; message: string }[];
  /** Every failed session counted by its error code. */
  failureReasons: Record<string, number>;
}

/** Closed-model driver: C workers, each creating and running sessions until N have been started. */
async function drive(
  engine: Engine,
  total: number,
  concurrency: number,
  onProgress: (done: number, failed: number) => void,
): Promise<DriveReport> {
  const hist = createHistogram();
  const r: DriveReport = {
    completed: 0,
    failed: 0,
    costUsd: 0,
    wallMs: 0,
    durations: { count: 0, p50: 0, p95: 0, p99: 0, max: 0 },
    failures: [],
    failureReasons: {},
  };
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const userId = `sim_user_${i % 20}`;
      const { id } = await engine.createSession({ userId, problem: `${PROBLEMS[i % PROBLEMS.length] ?? ''} (case ${i})` });
      const outcome = await engine.startSession(id);
      hist.record(outcome.durationMs);
      if (outcome.status === 'completed') {
        r.completed++;
        r.costUsd += outcome.result.counters.costUsd;
      } else {
        r.failed++;
        r.failures.push({ sessionId: id, ...outcome.error });
        r.failureReasons[outcome.error.code] = (r.failureReasons[outcome.error.code] ?? 0) + 1;
      }
      onProgress(r.completed, r.failed);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  r.wallMs = performance.now() - t0;
  const round = (x: number) => Math.round(x * 10) / 10;
  r.durations = {
    count: hist.count,
    p50: round(hist.percentile(50)),
    p95: round(hist.percentile(95)),
    p99: round(hist.percentile(99)),
    max: round(hist.percentile(100)),
  };
  hist.destroy();
  return r;
}

function scale(d: DriveReport['durations'], k: number): DriveReport['durations'] {
  return { count: d.count, p50: Math.round(d.p50 * k), p95: Math.round(d.p95 * k), p99: Math.round(d.p99 * k), max: Math.round(d.max * k) };
}

async function countRows(url: string, table: 'session_events' | 'api_costs'): Promise<number> {
  const client = await connectClient(url);
  try {
    const res = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    return res.rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}
