import crypto from 'node:crypto';
import { createEngine, type Engine } from '../engine/index.js';
import { checkClaim } from '../harness/audit/index.js';
import { buildCapacityModel, toCapacityLevel, uslThroughput } from '../harness/capacity/index.js';
import type { CapacityLevel } from '../harness/result/index.js';
import { defineScenario } from '../harness/scenario/index.js';
import { peakOverlap, runLevel, type LevelRun } from './internal/capacity/level.js';
import { fmtMs, STRATEGIC_PROBLEM } from './internal/llm-mock/index.js';

export interface CapacityParams {
  /** Concurrent sessions per level (closed model). */
  levels: number[];
  /** Whole sessions each worker runs per level (the level lasts about this many session lengths). */
  sessionsPerWorker: number;
  /** Mock clock for the `realistic` profile (Sonnet p50 6 s / p99 20 s, Haiku 2 s / 7 s, Voyage 150 / 600 ms). */
  timeScale: number;
  /** Sub-problems per session (0 = from the problem's complexity, up to 4). */
  subProblems: number;
  /** Above this process CPU (% of one core) a level measures the harness, not the engine at real latency. */
  cpuLimitPercent: number;
  /** The audited session cap the §6.1 table is about. */
  cap: number;
}

export const capacityScenario = defineScenario<CapacityParams, { engine: Engine } | undefined>({
  name: 'capacity',
  title: 'Capacity: concurrency sweep of whole sessions, knee, USL fit and the §6.1 table',
  auditRef: '§6.1; §4.1',
  profiles: {
    // ci: one sub-problem per session and at most 20 at once keeps the engine's own CPU (not
    // scaled by the mock clock) under half a core at a 33x compressed clock (~15% at 10 measured).
    ci: { levels: [2, 5, 10, 20], sessionsPerWorker: 2, timeScale: 0.03, subProblems: 1, cpuLimitPercent: 70, cap: 50 },
    default: { levels: [5, 10, 20, 35, 50], sessionsPerWorker: 2, timeScale: 0.25, subProblems: 2, cpuLimitPercent: 70, cap: 50 },
    full: { levels: [5, 10, 20, 35, 50, 75], sessionsPerWorker: 3, timeScale: 1, subProblems: 0, cpuLimitPercent: 70, cap: 50 },
  },
  // Self-check: sessions last tens of seconds (mock real time); CPU saturation is what would fake a knee, and that limit stays.
  selfCheck: { eventLoopDelayP99Ms: 250 },
  budgets: {
    // Every session of the sweep must complete: a failure means the engine broke under load.
    'capacity.sessions.failed': { max: 0 },
    // Session p50 in real time stays within the audit's own 60-120 s range widened by half.
    'capacity.session.real_ms': { p50: '< 180s' },
  },
  timeoutMs: { ci: 110_000 },
  async setup(ctx) {
    const db = await ctx.data.database({ label: 'capacity', optimizations: 'all', seeded: false });
    const redisUrl = ctx.infra.redis?.url;
    if (redisUrl === undefined) return undefined;
    const engine = await createEngine({
      logger: ctx.logger,
      config: ctx.engineConfig({
        databaseUrl: db.url, redisUrl, redisKeyPrefix: `cap_${crypto.randomBytes(3).toString('hex')}:`,
        llm: { mockProfile: 'realistic', timeScale: ctx.params.timeScale, seed: ctx.seed },
        deliberation: { subProblems: ctx.params.subProblems },
      }),
    });
    return { engine };
  },
  async teardown(_ctx, state) {
    await state?.engine.close();
  },
  async run(ctx, state) {
    const p = ctx.params;
    if (state === undefined) {
      ctx.report.untrusted.push('capacity: no Redis available, the sweep did not run');
      return;
    }
    const { engine } = state;
    const s = p.timeScale;
    const runs: LevelRun[] = [];
    for (const n of p.levels) {
      ctx.progress('level', `${n} concurrent sessions`);
      ctx.signal.throwIfAborted();
      const run = await runLevel(engine, { concurrency: n, sessionsPerWorker: p.sessionsPerWorker, problem: STRATEGIC_PROBLEM, userId: 'capacity', signal: ctx.signal });
      runs.push(run);
      const failed = Object.values(run.raw.errors).reduce((a, b) => a + b, 0);
      ctx.recorder.count('capacity.sessions.completed', run.raw.ok);
      ctx.recorder.count('capacity.sessions.failed', failed);
      ctx.recorder.set(`capacity.level.${n}.cpu_percent`, run.cpuPercent, 'percent');
      ctx.recorder.set(`capacity.level.${n}.event_loop_p99_ms`, run.eventLoopP99Ms, 'ms');
      // Session durations in real time: every mock delay was multiplied by s.
      for (const d of run.durations) {
        ctx.recorder.record('capacity.session.real_ms', d / s);
        ctx.recorder.record(`capacity.level.${n}.session.real_ms`, d / s);
      }
    }

    // Real time: throughput x s (sessions per real second), latencies / s.
    const levels: CapacityLevel[] = runs.map((r) => {
      const l = toCapacityLevel(r.concurrency, r.raw, 'sessions/s');
      return {
        ...l,
        throughput: l.throughput * s,
        latencyP50Ms: l.latencyP50Ms / s, latencyP95Ms: l.latencyP95Ms / s,
        ...(l.latencyP99Ms === undefined ? {} : { latencyP99Ms: l.latencyP99Ms / s }),
        ...(l.latencyMeanMs === undefined ? {} : { latencyMeanMs: l.latencyMeanMs / s }),
      };
    });
    const saturated = runs.filter((r) => r.cpuPercent > p.cpuLimitPercent).map((r) => r.concurrency);

    // Peak in-flight LLM calls per level, from the wire: every attempt's cost record carries its
    // end time (created_at) and latency, so [end - latency, end] is the call's time on the wire.
    await engine.costs.flush();
    const rows = await engine.db.query<{ end_ms: string; latency_ms: number }>(
      `SELECT (extract(epoch FROM created_at) * 1000)::float8 AS end_ms, latency_ms FROM api_costs WHERE provider = 'anthropic' AND latency_ms IS NOT NULL`,
      [], { name: 'capacity.inflight' },
    );
    const intervals = rows.rows.map((x) => ({ start: Number(x.end_ms) - x.latency_ms, end: Number(x.end_ms) }));
    const inflight = runs.map((r) => ({ n: r.concurrency, peak: peakOverlap(intervals, r.startEpochMs, r.endEpochMs) }));
    for (const f of inflight) ctx.recorder.set(`capacity.level.${f.n}.peak_inflight_llm`, f.peak, 'count');

    const model = buildCapacityModel('capacity', levels);
    ctx.report.capacity = model;
    if (saturated.length > 0) {
      ctx.report.untrusted.push(
        `capacity: process CPU above ${p.cpuLimitPercent}% of one core at ${saturated.join(', ')} concurrent sessions; the engine's own CPU is not scaled by the mock clock ` +
        `(timeScale ${s}), so these levels measure the harness process, not the engine at real LLM latency, and a knee there would be fake`,
      );
    }
    const top = levels[levels.length - 1];
    const atCap = levels.find((l) => l.concurrency === p.cap);
    const usl = model.usl;
    const capX = atCap?.throughput ?? (usl === null ? null : uslThroughput(p.cap, usl));
    const capHow = atCap !== undefined ? `measured at ${p.cap} concurrent sessions` : `USL projection to ${p.cap} from levels ${p.levels.join(', ')} (not measured at ${p.cap} in this profile)`;
    const cpuNote = `process CPU per level ${runs.map((r) => `${r.concurrency}: ${r.cpuPercent.toFixed(0)}%`).join(', ')}`;
    const method =
      `createEngine (optimized variant: SessionManager, PostgreSQL, Redis, CostTracker, EventPublisher) with the 'realistic' mock profile at timeScale ${s}; ` +
      `closed model, each of N workers runs ${p.sessionsPerWorker} whole sessions (create + run to completion), ${p.subProblems === 0 ? 'sub-problems from the problem' : `${p.subProblems} sub-problem(s)`} per session; ` +
      `throughput = completed sessions / level wall time x timeScale (real sessions/s), latencies / timeScale; ${cpuNote}.`;
    const subProblemConstant = { 'session.subproblems': { value: p.subProblems === 0 ? null : p.subProblems } };
    const levelRows = levels.map((l) => `${l.concurrency}: ${l.throughput.toFixed(3)}/s, p50 ${fmtMs(l.latencyP50Ms)}`).join('; ');
    ctx.report.claims.push(checkClaim('C26', capX, {
      summary: `${capX === null ? 'n/a' : capX.toFixed(3)} sessions/s at the cap of ${p.cap} (${capHow}); levels ${levelRows}. ` +
        `Little's law at the top level gives ${top === undefined ? 'n/a' : ((p.cap / top.latencyP50Ms) * 1_000).toFixed(3)}/s (cap / session p50). ` +
        `With no bottleneck in the engine the sweep follows X = N / W: the audit's 0.83/s assumed 60 s sessions.`,
      method,
      constants: subProblemConstant,
    }));
    const kneeBelowCap = model.knee !== null && model.knee.concurrency < (top?.concurrency ?? 0) && model.knee.concurrency < p.cap;
    const perDay = kneeBelowCap && model.knee !== null ? model.knee.throughput * 86_400 : capX === null ? null : capX * 86_400;
    ctx.report.claims.push(checkClaim('C27', perDay, {
      summary: `${perDay === null ? 'n/a' : Math.round(perDay).toLocaleString('en-US')} sessions/day ` +
        (kneeBelowCap && model.knee !== null ? `at the knee (${model.knee.concurrency} concurrent, ${model.knee.method})` : `at the cap (no knee below it: throughput still rose with concurrency; ${capHow})`),
      method,
      constants: subProblemConstant,
    }));
    const p50 = top?.latencyP50Ms ?? null;
    ctx.report.claims.push(checkClaim('C28', p50 === null ? null : p50 / 1_000, {
      summary: `session duration p50 ${p50 === null ? 'n/a' : fmtMs(p50)} (real time) at ${top?.concurrency ?? '?'} concurrent sessions; per level ${levels.map((l) => fmtMs(l.latencyP50Ms)).join(', ')}`,
      method,
      constants: subProblemConstant,
    }));
    const topInflight = inflight[inflight.length - 1];
    const at50 = inflight.find((f) => f.n === p.cap);
    const inflightAtCap = at50?.peak ?? (topInflight === undefined ? null : (topInflight.peak / topInflight.n) * p.cap);
    ctx.report.claims.push(checkClaim('C30', inflightAtCap, {
      summary: `peak in-flight LLM calls ${at50 !== undefined ? `at ${p.cap} sessions: ${at50.peak}` : `${topInflight?.peak ?? 0} at ${topInflight?.n ?? 0} sessions, x ${p.cap}/${topInflight?.n ?? 0} = ${inflightAtCap?.toFixed(0) ?? 'n/a'} at ${p.cap} (linear scaling, not measured at ${p.cap})`}; ` +
        `per level ${inflight.map((f) => `${f.n}: ${f.peak}`).join(', ')}. Rounds run one after another, so "x 6 rounds" never happens at once: the bound is sessions x sub-problems x experts per round (<= 4).`,
      method: `${method} In-flight = peak overlap of [created_at - latency_ms, created_at] of the Anthropic attempts' cost records (api_costs) within each level's window.`,
    }));

    const knee = model.knee;
    ctx.report.findings.push({
      id: 'capacity.limit',
      priority: 'P2',
      title: knee !== null && kneeBelowCap ? `Throughput stops scaling at ${knee.concurrency} concurrent sessions` : `Throughput scales with concurrency up to ${top?.concurrency ?? '?'} sessions; the session cap is the limit`,
      evidence: [{ kind: 'measurement', ref: 'capacity.session.real_ms' }],
      measuredImpact: {
        summary: `${levelRows}; USL σ=${usl?.sigma.toFixed(3) ?? 'n/a'} κ=${usl?.kappa.toExponential(2) ?? 'n/a'}; ${cpuNote}`,
        metric: 'capacity.sessions_per_s', value: capX ?? 0, unit: 'sessions/s',
        score: 0,
      },
      recommendation: 'Plan capacity as cap / session duration (Little\'s law); raise the session cap before the pool, and measure the LLM provider\'s rate limits, which this mock does not model.',
      auditRef: '§6.1',
    });
  },
});
