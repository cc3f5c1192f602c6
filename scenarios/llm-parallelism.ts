import { setMaxListeners } from 'node:events';
import { resolveConfig } from '../engine/config/index.js';
import type { SubProblemMode } from '../engine/deliberation/index.js';
import { checkClaim, constantRange } from '../harness/audit/index.js';
import { defineScenario } from '../harness/scenario/index.js';
import type { Comparison } from '../harness/result/index.js';
import { roundSpeedup, sessionSpeedup, spreadLatency } from './internal/llm-parallelism/constant-ends.js';
import { personaOverlapClaim, roundDurationClaim } from './internal/llm-parallelism/round-claims.js';
import { realRoundMs } from './internal/llm-parallelism/round-stats.js';
import { timeRound, type RoundMode } from './internal/llm-parallelism/round.js';
import { maxOverlap, timeSession, type TimedSession } from './internal/llm-parallelism/session.js';
import { fixedLatency, fmtMs, median, scaledLlm, toRealMs } from './internal/llm-mock/index.js';

export interface LlmParallelismParams {
  /** Mock clock of the round measurement: every mock delay is multiplied by this; durations are divided by it again. */
  timeScale: number;
  /** Mock clock of the whole-session measurement (longer, so a smaller scale keeps ci short). */
  sessionTimeScale: number;
  /** Fixed latency of every LLM call (real time): the audit's "5 personas @ 2 s". */
  llmLatencyMs: number;
  /** Fixed latency of one embedding request (real time). */
  embeddingLatencyMs: number;
  personasPerRound: number;
  /** Alternating parallel/serial round pairs. */
  roundRepeats: number;
  /**
   * Alternating pairs of the rounds re-run at the high end of llm.latency.p99_over_p50 (lognormal
   * latencies): a random max over 5 calls needs more pairs than a fixed latency for a stable median.
   */
  spreadRoundRepeats: number;
  /** Mock clock of C16's sessions at the high end of the latency spread (4 sessions per count at once, not 10). */
  spreadSessionTimeScale: number;
  subProblemCounts: number[];
  modes: SubProblemMode[];
  /** Alternating repeats of every (sub-problem count, mode) session. */
  sessionRepeats: number;
  /** Sub-problems of the audited-variant session that checks C31. */
  auditedSubProblems: number;
}

const MODES: SubProblemMode[] = ['sequential', 'parallel', 'batches'];
const PERSONAS_CONSTANT = 'round.personas';
const SPREAD = 'llm.latency.p99_over_p50';
const SUB_PROBLEMS_CONSTANT = 'session.subproblems';

export const llmParallelismScenario = defineScenario<LlmParallelismParams>({
  name: 'llm-parallelism',
  title: 'LLM parallelism: persona rounds and sub-problem modes',
  auditRef: '§2.1, §2.2 opportunity 2',
  profiles: {
    // 2 s becomes 100 ms in rounds and in sessions: engine CPU per call (~1-5 ms on a busy 2-core
    // box) stays a few % of a converted step, and the generator stays below saturation.
    ci: {
      timeScale: 0.05,
      // Whole sessions run more engine code per mock second than a round: at 0.05 the generator's
      // CPU p95 reached 92 % of a core on a busy 2-core box (self-check limit 90 %).
      sessionTimeScale: 0.08,
      llmLatencyMs: 2_000,
      embeddingLatencyMs: 150,
      personasPerRound: 5,
      roundRepeats: 3,
      spreadRoundRepeats: 5,
      // A third of the main repeats' sessions at once: half the clock keeps the CPU per mock second below theirs.
      spreadSessionTimeScale: 0.04,
      // 2 and 5: both ends of C16's sub-problem range.
      subProblemCounts: [1, 2, 5],
      modes: MODES,
      sessionRepeats: 2,
      auditedSubProblems: 3,
    },
    default: {
      timeScale: 0.1,
      // 0.05 put the generator's main thread at 95 % of a core (p95) on 2 cores (2026-12-07); a
      // slower clock is the same sessions with the engine's own CPU spread over more real time.
      sessionTimeScale: 0.1,
      llmLatencyMs: 2_000,
      embeddingLatencyMs: 150,
      personasPerRound: 5,
      roundRepeats: 5,
      spreadRoundRepeats: 11,
      spreadSessionTimeScale: 0.1,
      subProblemCounts: [1, 2, 3, 4, 5],
      modes: MODES,
      sessionRepeats: 3,
      auditedSubProblems: 3,
    },
    full: {
      timeScale: 0.25,
      sessionTimeScale: 0.2,
      llmLatencyMs: 2_000,
      embeddingLatencyMs: 150,
      personasPerRound: 5,
      roundRepeats: 10,
      spreadRoundRepeats: 21,
      spreadSessionTimeScale: 0.2,
      subProblemCounts: [1, 2, 3, 4, 5],
      modes: MODES,
      sessionRepeats: 5,
      auditedSubProblems: 4,
    },
  },
  // Self-check: it times multi-second (mock real-time) rounds; a 250 ms loop stall is <3% of the shortest measured round.
  selfCheck: { eventLoopDelayP99Ms: 250 },
  budgets: {
    // A parallel round must cost about one LLM latency (2 s), not five: 3 s leaves room for
    // engine overhead and scheduling noise, and fails if the gather were serialised.
    'round.parallel.real_ms': { p50: '< 3000ms' },
    // The whole point of the gather: at least 3x faster than serial for 5 personas (5x ideal).
    'round.speedup': { value: '>= 3' },
  },
  timeoutMs: { ci: 90_000 },
  async run(ctx) {
    const p = ctx.params;
    const overrides = fixedLatency(p.llmLatencyMs, p.embeddingLatencyMs);
    const llm = scaledLlm({ timeScale: p.timeScale, seed: ctx.seed, overrides });
    const sessionLlm = scaledLlm({ timeScale: p.sessionTimeScale, seed: ctx.seed, overrides });
    const zero = scaledLlm({ timeScale: 0, seed: ctx.seed, overrides });
    const real = (ms: number): number => toRealMs(ms, p.timeScale);
    const sessionReal = (ms: number): number => toRealMs(ms, p.sessionTimeScale);
    // One signal for every in-flight call of the scenario (dozens at once): no listener-limit warnings.
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    const stop = (): void => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', stop, { once: true });
    const signal = controller.signal;

    // --- C14: one round of N personas, parallel vs serial, alternating order ----------------
    ctx.progress('round', `${p.personasPerRound} personas x ${p.roundRepeats}`);
    const perRound: Record<RoundMode, number[]> = { parallel: [], serial: [] };
    const engineOnly: Record<RoundMode, number[]> = { parallel: [], serial: [] };
    for (let r = 0; r < p.roundRepeats; r++) {
      const order: RoundMode[] = r % 2 === 0 ? ['parallel', 'serial'] : ['serial', 'parallel'];
      for (const mode of order) {
        ctx.signal.throwIfAborted();
        const ms = real(await timeRound(llm.client, p.personasPerRound, mode, `r${r}`));
        perRound[mode].push(ms);
        ctx.recorder.record(`round.${mode}.real_ms`, ms);
        engineOnly[mode].push(await timeRound(zero.client, p.personasPerRound, mode, `z${r}`));
      }
    }
    const ratios = perRound.serial.map((s, i) => s / (perRound.parallel[i] ?? Number.NaN));
    const roundSpeedupValue = median(perRound.serial) / median(perRound.parallel);
    ctx.recorder.ratio('round.speedup', {
      value: roundSpeedupValue,
      unit: 'ratio',
      definition: 'median serial round / median parallel round (real time)',
      spread: { method: 'min-max', low: Math.min(...ratios), high: Math.max(...ratios), n: ratios.length },
    });
    ctx.report.comparisons.push(
      comparison(
        'persona round: serial vs parallel',
        'round.real_ms',
        'serial',
        median(perRound.serial),
        'parallel',
        median(perRound.parallel),
        ratios,
        p.roundRepeats,
      ),
    );
    const roundMethod =
      `${p.personasPerRound} persona calls (Sonnet tier, 1000 max tokens) through the real Anthropic SDK client over the msw mock with a fixed ` +
      `${fmtMs(p.llmLatencyMs)} latency, gathered (Promise.all, as the engine's rounds do: C49 times those) vs awaited one by one; ${p.roundRepeats} ` +
      `alternating pairs at timeScale ${p.timeScale}, durations divided by the time scale. Engine/SDK time at zero mock latency: ` +
      `${median(engineOnly.parallel).toFixed(1)} ms parallel, ${median(engineOnly.serial).toFixed(1)} ms serial (inflated ${(1 / p.timeScale).toFixed(0)}x by the conversion).`;
    // C14's constants at their ends: fewer personas on the same fixed latency, and lognormal
    // latencies (p99 = spread x p50) on the same personas; the fixed-latency run is the other end of each.
    const personasEnds = constantRange('C14', PERSONAS_CONSTANT);
    const spreadEnds = constantRange('C14', SPREAD);
    const spreadLlm = scaledLlm({
      timeScale: p.timeScale,
      seed: ctx.seed,
      overrides: spreadLatency(p.llmLatencyMs, p.embeddingLatencyMs, spreadEnds.high),
    });
    ctx.progress('round', `ends: ${personasEnds.low} personas; p99/p50 ${spreadEnds.high}`);
    const atPersonasLow =
      personasEnds.low === p.personasPerRound
        ? roundSpeedupValue
        : await roundSpeedup(llm.client, { personas: personasEnds.low, repeats: p.roundRepeats, tag: 'pl', signal });
    const atSpreadHigh = await roundSpeedup(spreadLlm.client, {
      personas: p.personasPerRound,
      repeats: p.spreadRoundRepeats,
      tag: 'sh',
      signal,
    });
    const atPersonasHigh = personasEnds.high === p.personasPerRound ? roundSpeedupValue : null;
    const atSpreadLow = spreadEnds.low === 1 ? roundSpeedupValue : null;
    ctx.report.claims.push(
      checkClaim('C14', roundSpeedupValue, {
        summary:
          `serial ${fmtMs(median(perRound.serial))} vs parallel ${fmtMs(median(perRound.parallel))} (p50 of ${p.roundRepeats}): ${roundSpeedupValue.toFixed(2)}x ` +
          `(min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}). At ${personasEnds.low} personas: ${atPersonasLow.toFixed(2)}x; ` +
          `with lognormal latencies of p99/p50 ${spreadEnds.high} (a gathered round waits for its slowest call): ${atSpreadHigh.toFixed(2)}x ` +
          `(p50 of ${p.spreadRoundRepeats} pairs).`,
        method:
          `${roundMethod} Constant ends: the same rounds with ${personasEnds.low} personas (${p.roundRepeats} pairs), and with ${p.personasPerRound} personas ` +
          `whose latencies the mock draws from a lognormal of p50 ${fmtMs(p.llmLatencyMs)} and p99 ${spreadEnds.high}x that (${p.spreadRoundRepeats} alternating pairs, median serial / median parallel).`,
        // Every call of the main run waits the same fixed mock latency: p99 / p50 is exactly 1, the range's low end.
        constants: {
          [PERSONAS_CONSTANT]: { value: p.personasPerRound, measuredLow: atPersonasLow, measuredHigh: atPersonasHigh },
          [SPREAD]: { value: 1, measuredLow: atSpreadLow, measuredHigh: atSpreadHigh },
        },
        interval: { method: 'min-max', low: Math.min(...ratios), high: Math.max(...ratios), n: ratios.length },
      }),
    );

    // --- C16 / C31: whole sessions with 1..5 sub-problems per mode ----------------------------
    const auditedMode = resolveConfig({ variant: 'audited' }).deliberation.subProblemMode as SubProblemMode;
    const durations = new Map<string, number[]>();
    // Every session's rounds, for the engine-round claims (C48, C49).
    const timed: TimedSession[] = [];
    let audited: TimedSession | undefined;
    for (let r = 0; r < p.sessionRepeats; r++) {
      ctx.progress('sessions', `repeat ${r + 1}/${p.sessionRepeats}`);
      ctx.signal.throwIfAborted();
      // Every (count, mode) of a repeat runs concurrently: each session's CPU is small next to the
      // scaled latency, and the mode order rotates per repeat so no mode always starts first.
      const modes = rotate(p.modes, r);
      const jobs = p.subProblemCounts.flatMap((k) => modes.map((mode) => ({ k, mode })));
      const runs = jobs.map(async ({ k, mode }) => {
        const t = await timeSession(sessionLlm.client, {
          sessionId: `s${r}-${k}-${mode}`,
          subProblems: k,
          mode,
          variant: 'optimized',
          signal,
        });
        timed.push(t);
        const ms = sessionReal(t.wallMs);
        const key = `${mode}.${k}`;
        durations.set(key, [...(durations.get(key) ?? []), ms]);
        ctx.recorder.record(`session.${mode}.sp${k}.real_ms`, ms);
        for (const rp of t.roundPhases) ctx.recorder.record('engine_round.persona_phase.real_ms', sessionReal(rp.ms));
      });
      const auditedRun =
        r === 0
          ? timeSession(sessionLlm.client, {
              sessionId: 'audited',
              subProblems: p.auditedSubProblems,
              mode: auditedMode,
              variant: 'audited',
              signal,
            }).then((t) => {
              audited = t;
              timed.push(t);
            })
          : Promise.resolve();
      await Promise.all([...runs, auditedRun]);
    }

    const speedups: { k: number; ratio: number }[] = [];
    const repeatRatios: number[] = [];
    const rows: string[] = [];
    for (const k of p.subProblemCounts) {
      const seq = durations.get(`sequential.${k}`) ?? [];
      const par = durations.get(`parallel.${k}`) ?? [];
      const bat = durations.get(`batches.${k}`) ?? [];
      rows.push(`${k} SP: sequential ${fmtMs(median(seq))}, parallel ${fmtMs(median(par))}, batches ${fmtMs(median(bat))}`);
      if (seq.length === 0 || par.length === 0) continue;
      const ratio = median(seq) / median(par);
      ctx.recorder.set(`session.speedup.sp${k}`, ratio, 'ratio');
      if (k > 1) {
        speedups.push({ k, ratio });
        const perRepeat = seq.map((s, i) => s / (par[i] ?? Number.NaN));
        repeatRatios.push(...perRepeat.filter(Number.isFinite));
        ctx.report.comparisons.push(
          comparison(
            `session with ${k} sub-problems: sequential vs parallel`,
            `session.sp${k}.real_ms`,
            'sequential',
            median(seq),
            'parallel',
            median(par),
            perRepeat,
            p.sessionRepeats,
          ),
        );
      }
    }
    const multi = median(speedups.map((s) => s.ratio));
    // C16's constants at their ends: the sub-problem counts are measured above (the ends' ratios);
    // the latency spread re-runs one session per multi-sub-problem count and mode on lognormal latencies.
    const spEnds = constantRange('C16', SUB_PROBLEMS_CONSTANT);
    const c16Spread = constantRange('C16', SPREAD);
    const ratioAt = (k: number): number | null => speedups.find((x) => x.k === k)?.ratio ?? null;
    const multiCounts = speedups.map((x) => x.k);
    ctx.progress('sessions', `ends: p99/p50 ${c16Spread.high}, ${multiCounts.join(', ')} sub-problems`);
    const spreadSessions =
      multiCounts.length === 0
        ? undefined
        : await sessionSpeedup(
            scaledLlm({
              timeScale: p.spreadSessionTimeScale,
              seed: ctx.seed,
              overrides: spreadLatency(p.llmLatencyMs, p.embeddingLatencyMs, c16Spread.high),
            }).client,
            { counts: multiCounts, tag: 'spread', signal },
          );
    ctx.report.claims.push(
      checkClaim('C16', speedups.length === 0 ? null : multi, {
        summary:
          `session duration sequential / parallel, median over ${speedups.map((s) => s.k).join(', ')} sub-problems: ${multi.toFixed(2)}x ` +
          `(${speedups.map((s) => `${s.k} SP ${s.ratio.toFixed(2)}x`).join(', ')}); ${rows.join('; ')}. ` +
          `With lognormal latencies (p99/p50 ${c16Spread.high}): ${spreadSessions === undefined ? 'not run' : `${spreadSessions.value.toFixed(2)}x (${spreadSessions.perCount.map((c) => `${c.k} SP ${c.ratio.toFixed(2)}x`).join(', ')})`}.`,
        method:
          `runDeliberation (optimized variant, in-memory ports) with a fixed ${fmtMs(p.llmLatencyMs)} per LLM call and ${fmtMs(p.embeddingLatencyMs)} per ` +
          `embedding request, sub-problems fixed at each count (limit raised to ${Math.max(4, ...p.subProblemCounts)}; bo1 capped at 4), ` +
          `${p.sessionRepeats} repeats with all counts and modes of a repeat running concurrently; p50 per mode, real time = mock time / ${p.sessionTimeScale}. ` +
          `Constant ends: ${SUB_PROBLEMS_CONSTANT} ${spEnds.low} and ${spEnds.high} read the ratio at that count (n/a when the profile does not run it); ` +
          `${SPREAD} ${c16Spread.high}: one more session per multi-sub-problem count and mode, at once (timeScale ${p.spreadSessionTimeScale}), with lognormal LLM latencies (p50 ${fmtMs(p.llmLatencyMs)}, p99 ${c16Spread.high}x), median of the per-count ratios.`,
        constants: {
          [SUB_PROBLEMS_CONSTANT]: { value: median(multiCounts), measuredLow: ratioAt(spEnds.low), measuredHigh: ratioAt(spEnds.high) },
          [SPREAD]: { value: 1, measuredLow: c16Spread.low === 1 ? multi : null, measuredHigh: spreadSessions?.value ?? null },
        },
        // Every repeat of every multi-sub-problem count: the claim is about all such sessions.
        ...(repeatRatios.length === 0
          ? {}
          : {
              interval: {
                method: 'min-max' as const,
                low: Math.min(...repeatRatios),
                high: Math.max(...repeatRatios),
                n: repeatRatios.length,
              },
            }),
      }),
    );

    if (audited !== undefined) {
      const overlap = maxOverlap(audited.subProblems);
      const sequential = overlap <= 1 ? 1 : 0;
      ctx.recorder.set('audited.subproblems.max_concurrent', overlap, 'count');
      ctx.report.claims.push(
        checkClaim('C31', sequential, {
          summary:
            `the engine's audited variant runs sub-problems in mode "${auditedMode}": with ${p.auditedSubProblems} sub-problems up to ${overlap} ran at once ` +
            `(session ${fmtMs(sessionReal(audited.wallMs))}). bo1 itself (audited-system.md §4.2-4.3) routed every session with more than one sub-problem to ` +
            `parallel_subproblems (asyncio.gather per dependency batch), so the audit's "appear to execute sequentially" did not hold for bo1 either.`,
          method:
            'one audited-variant runDeliberation session; sub-problem intervals from its subproblem_started/subproblem_complete events; 1 = never more than one at a time.',
        }),
      );
    }

    // --- C48 / C49: the engine's own rounds in the sessions above -----------------------------
    const latencies = { scale: p.sessionTimeScale, llmMs: p.llmLatencyMs, embeddingMs: p.embeddingLatencyMs };
    for (const t of timed) {
      for (const r of t.roundTraces) ctx.recorder.record(`engine_round.${t.variant}.real_ms`, realRoundMs(r, latencies));
    }
    ctx.report.claims.push(
      roundDurationClaim(timed, { timeScale: p.sessionTimeScale, llmLatencyMs: p.llmLatencyMs, embeddingLatencyMs: p.embeddingLatencyMs }),
    );
    ctx.report.claims.push(personaOverlapClaim(timed));

    // --- Findings -------------------------------------------------------------------------------
    const best = speedups.reduce((a, b) => (b.ratio > a.ratio ? b : a), { k: 1, ratio: 1 });
    const seqBest = median(durations.get(`sequential.${best.k}`) ?? []);
    const parBest = median(durations.get(`parallel.${best.k}`) ?? []);
    if (best.k > 1 && seqBest > parBest) {
      ctx.report.findings.push({
        id: 'llm-parallelism.subproblems',
        priority: auditedMode === 'sequential' ? 'P1' : 'P3',
        title:
          auditedMode === 'sequential'
            ? 'Sub-problems run one after another: sessions take several times longer than needed'
            : 'Sub-problems already run in parallel (as in bo1); keep it that way',
        evidence: [
          { kind: 'comparison', ref: `session with ${best.k} sub-problems: sequential vs parallel` },
          { kind: 'measurement', ref: `session.sequential.sp${best.k}.real_ms` },
        ],
        measuredImpact: {
          summary: `${best.k} sub-problems: ${fmtMs(seqBest)} sequential vs ${fmtMs(parBest)} parallel (${best.ratio.toFixed(2)}x)`,
          metric: `session.sp${best.k}.real_ms`,
          value: seqBest - parBest,
          unit: 'ms',
          // Session time saved per 1,000 sessions of that shape; zero when the audited flow is already parallel.
          score: auditedMode === 'sequential' ? (seqBest - parBest) * 1_000 : 0,
        },
        recommendation:
          auditedMode === 'sequential'
            ? 'Run independent sub-problems concurrently (dependency batches), as bo1 did with parallel_subproblems.'
            : 'No change: keep the parallel/batched sub-problem execution; the audit recommendation is already in place.',
        auditRef: '§2.2 opportunity 2; §7 P3.11',
      });
    }
    ctx.signal.removeEventListener('abort', stop);
  },
});

function rotate<T>(list: readonly T[], by: number): T[] {
  const n = list.length;
  return n === 0 ? [] : list.map((_, i) => list[(i + by) % n] as T);
}

function comparison(
  name: string,
  metric: string,
  beforeName: string,
  before: number,
  afterName: string,
  after: number,
  perRepeat: number[],
  n: number,
): Comparison {
  const finite = perRepeat.filter((x) => Number.isFinite(x));
  return {
    name,
    metric,
    unit: 'ms',
    better: 'lower',
    before: { variant: beforeName, value: before },
    after: { variant: afterName, value: after },
    ratio: before / after,
    ...(finite.length === 0 ? {} : { interval: { method: 'min-max' as const, low: Math.min(...finite), high: Math.max(...finite), n } }),
  };
}
