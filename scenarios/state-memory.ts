import { setMaxListeners } from 'node:events';
import { checkClaim, constantRange } from '../harness/audit/index.js';
import { DELIBERATION_DEFAULTS } from '../engine/deliberation/index.js';
import { excludedFromLoopDelay, HISTOGRAM_RANGES } from '../harness/metrics/index.js';
import type { Comparison } from '../harness/result/index.js';
import { defineScenario } from '../harness/scenario/index.js';
import { findGc, heapPerSession, type GcMethod, type HeapSample } from './internal/state-memory/heap.js';
import { measureRetained, type RetainedContributions } from './internal/state-memory/retained.js';
import {
  MIN_KEPT,
  measureEnds,
  meanOf,
  PERSONAS as PERSONAS_CONSTANT,
  reductionPct,
  ROUNDS,
} from './internal/state-memory/constant-ends.js';
import {
  contributionHeap,
  measureListHeap,
  type ContributionHeapSample,
  type ContributionList,
} from './internal/state-memory/contribution-heap.js';
import { AUDIT_SESSIONS, SESSION_SUB_PROBLEMS, sessionClaims } from './internal/state-memory/session-claims.js';
import { fixedLatency, median, scaledLlm } from './internal/llm-mock/index.js';

export interface StateMemoryParams {
  /** Sub-problem counts whose retained contribution bytes are measured (cheap, deterministic). */
  subProblemCounts: number[];
  /** Problems per (count, pruning) for retained bytes; the figure is the mean per session. */
  problems: number;
  /** Sub-problem counts whose heap per active session is measured (N sessions held at once). */
  heapCounts: number[];
  heapSessions: number;
  /** Alternating pruning off/on heap rounds per count. */
  heapRepeats: number;
  /** C44: concurrent 5-sub-problem sessions whose contribution lists' heap is measured (0: not measured), and repeats. */
  contributionHeapSessions: number;
  contributionHeapRepeats: number;
}

type Pruning = 'off' | 'on';
const PRUNING: Pruning[] = ['off', 'on'];
const KB = 1_024;
const BYTES = 'contribution.bytes';
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export const stateMemoryScenario = defineScenario<StateMemoryParams>({
  name: 'state-memory',
  title: 'Deliberation state memory: contributions held per session, pruning off vs on',
  auditRef: '§5.1 hotspot 2; §7 P2.9',
  profiles: {
    ci: {
      // 1, 3 and 5: every count is also re-run at the constants' ends (6 deliberations each).
      subProblemCounts: [1, 3, 5],
      problems: 1,
      heapCounts: [2],
      heapSessions: 16,
      heapRepeats: 1,
      // 0: C44 from the lists of the 5-sub-problem deliberations above (50 concurrent sessions cost ~50 s of CPU).
      contributionHeapSessions: 0,
      contributionHeapRepeats: 0,
    },
    default: {
      subProblemCounts: [1, 2, 3, 4, 5],
      problems: 5,
      heapCounts: [1, 3, 5],
      heapSessions: 50,
      heapRepeats: 3,
      contributionHeapSessions: 50,
      contributionHeapRepeats: 1,
    },
    full: {
      subProblemCounts: [1, 2, 3, 4, 5],
      problems: 10,
      heapCounts: [1, 2, 3, 4, 5],
      heapSessions: 100,
      heapRepeats: 5,
      contributionHeapSessions: 50,
      contributionHeapRepeats: 3,
    },
  },
  // Self-check: the forced full GCs between measurements are left out of the loop delay (counted
  // apart), and sessions start one after another, so the loop keeps the in-process scenarios'
  // 250 ms (p99 65 ms at default on 2 cores, 2026-12-07). Its sessions are CPU-bound on purpose
  // (1 ms mock latency) and it measures bytes, not time, so a busy main thread says nothing about
  // its figures: no CPU limit.
  selfCheck: { eventLoopDelayP99Ms: 250, cpuPercentP95: 400 },
  budgets: {
    // Pruning must never retain more than no pruning.
    'state.retained_reduction': { value: '>= 0' },
    // issue 3's engine target: at most 500 KB of heap per active session with pruning on.
    'state.heap_per_session.on.max': { value: '<= 512000' },
  },
  timeoutMs: { ci: 90_000 },
  async run(ctx) {
    const p = ctx.params;
    // 1 ms per request: memory does not depend on time (held sessions wait at a gate), but a real
    // timer per request lets the event loop breathe (at zero latency a session is one microtask chain).
    const llm = scaledLlm({ timeScale: 1, seed: ctx.seed, overrides: fixedLatency(1, 1) }).client;
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    const stop = (): void => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', stop, { once: true });

    const found = findGc();
    const gcMethod = found.method;
    // A forced full GC stalls the loop on purpose (over a second with 50 held sessions): it is left
    // out of the generator's event-loop delay, which then shows only the sessions' own stalls.
    const rawGc = found.gc;
    const gc = rawGc === undefined ? undefined : (): void => excludedFromLoopDelay(rawGc);
    // --- Retained contribution bytes per session, by sub-problem count and pruning -------------
    ctx.progress('retained', `${p.subProblemCounts.length} counts x ${p.problems} problems`);
    const retained = new Map<string, RetainedContributions[]>();
    // C44 without extra sessions: the engine's own lists of the 5-sub-problem deliberations (pruning off), by reference.
    const sessionLists: ContributionList[][] = [];
    for (const k of p.subProblemCounts) {
      for (let i = 0; i < p.problems; i++) {
        for (const pruning of i % 2 === 0 ? PRUNING : [...PRUNING].reverse()) {
          ctx.signal.throwIfAborted();
          const hold =
            k === SESSION_SUB_PROBLEMS && pruning === 'off' ? (lists: ContributionList[]) => sessionLists.push(lists) : undefined;
          const r = await measureRetained(
            llm,
            { sessionId: `ret-${k}-${i}-${pruning}`, problem: i, subProblems: k, pruning: pruning === 'on' },
            hold,
          );
          retained.set(`${pruning}.${k}`, [...(retained.get(`${pruning}.${k}`) ?? []), r]);
          ctx.recorder.record(`state.retained_bytes.${pruning}.sp${k}`, r.retainedBytes, HISTOGRAM_RANGES.bytes);
        }
      }
    }
    const ends = await measureEnds(llm, p, (detail) => {
      ctx.signal.throwIfAborted();
      ctx.progress('constant ends', detail);
    });
    const forced = {
      low: ends.get(`rounds.low.off.${SESSION_SUB_PROBLEMS}`) ?? [],
      high: ends.get(`rounds.high.off.${SESSION_SUB_PROBLEMS}`) ?? [],
    };
    const own = retained.get(`off.${SESSION_SUB_PROBLEMS}`) ?? [];
    const perSession: ContributionHeapSample | undefined =
      gc === undefined || sessionLists.length === 0
        ? undefined
        : {
            ...measureListHeap(sessionLists, gc),
            sessions: own.length,
            subProblems: SESSION_SUB_PROBLEMS,
            rounds: own.reduce((a, r) => a + r.rounds, 0),
            concurrent: false,
          };
    if (perSession !== undefined)
      ctx.recorder.set('state.contribution_heap.sp5.per_session', perSession.heapBytes / Math.max(1, perSession.sessions), 'bytes');
    const mean = (key: string, f: (r: RetainedContributions) => number): number => {
      const list = retained.get(key) ?? [];
      return list.reduce((a, r) => a + f(r), 0) / Math.max(1, list.length);
    };
    const rows: string[] = [];
    let totalOff = 0;
    let totalOn = 0;
    for (const k of p.subProblemCounts) {
      const off = mean(`off.${k}`, (r) => r.retainedBytes);
      const on = mean(`on.${k}`, (r) => r.retainedBytes);
      totalOff += off;
      totalOn += on;
      ctx.recorder.set(`state.retained.off.sp${k}`, off, 'bytes');
      ctx.recorder.set(`state.retained.on.sp${k}`, on, 'bytes');
      rows.push(
        `${k} SP: ${(off / KB).toFixed(1)} KB (${mean(`off.${k}`, (r) => r.retained).toFixed(1)} contributions) -> ${(on / KB).toFixed(1)} KB (${mean(`on.${k}`, (r) => r.retained).toFixed(1)})`,
      );
      ctx.report.comparisons.push(
        cmp(`retained contribution bytes per session, ${k} sub-problem(s): pruning off vs on`, `state.retained_bytes.sp${k}`, off, on, []),
      );
    }
    const reduction = totalOff > 0 ? (1 - totalOn / totalOff) * 100 : 0;
    ctx.recorder.set('state.retained_reduction', reduction, 'percent');
    const oneSpOff = mean('off.1', (r) => r.retainedBytes);
    const oneSp = (retained.get('off.1') ?? []).map((r) => r.retainedBytes);
    const perContribution =
      mean('off.1', (r) => r.retainedBytes) /
      Math.max(
        1,
        mean('off.1', (r) => r.retained),
      );
    const retainedMethod =
      `runDeliberation (in-memory ports, real client over the msw mock, ${p.problems} problems per cell); the contributions the engine's sub-problem state ` +
      `still held after its last round were read from the wire: the engine's per-persona expert-summary prompt quotes the first 300 characters of every ` +
      `contribution in that list; bytes = UTF-8 JSON of the state objects {persona, name, content, round}, summed over sub-problems (in parallel mode they run at once, but a finished one drops its list; C43 gives the peak held at once).`;
    // C24 and C25 at their constants' ends (the same deliberations re-run; bytes are modelled).
    const bytesEnds = constantRange('C24', BYTES);
    const roundsEnds = constantRange('C25', ROUNDS);
    const keptEnds = constantRange('C25', MIN_KEPT);
    const personaEnds = constantRange('C24', PERSONAS_CONSTANT);
    const oneSpCount = mean('off.1', (r) => r.retained);
    const bytesAt = (key: string): number => meanOf(ends.get(key), (r) => r.retainedBytes);
    const offAt = (k: number): number => mean(`off.${k}`, (r) => r.retainedBytes);
    const reductionAt = {
      roundsLow: reductionPct(
        p.subProblemCounts,
        (k) => bytesAt(`rounds.low.off.${k}`),
        (k) => bytesAt(`rounds.low.on.${k}`),
      ),
      roundsHigh: reductionPct(
        p.subProblemCounts,
        (k) => bytesAt(`rounds.high.off.${k}`),
        (k) => bytesAt(`rounds.high.on.${k}`),
      ),
      keptLow: reductionPct(p.subProblemCounts, offAt, (k) => bytesAt(`kept.low.${k}`)),
      keptHigh: reductionPct(p.subProblemCounts, offAt, (k) => bytesAt(`kept.high.${k}`)),
    };
    const endsText =
      `Re-run at ${roundsEnds.low} and ${roundsEnds.high} forced rounds: ${(bytesAt('rounds.low.off.1') / KB).toFixed(1)} KB and ` +
      `${(bytesAt('rounds.high.off.1') / KB).toFixed(1)} KB; with ${personaEnds.low} and ${personaEnds.high} personas: ${(bytesAt('personas.low') / KB).toFixed(1)} KB and ` +
      `${(bytesAt('personas.high') / KB).toFixed(1)} KB (the engine lets at most 4 speak in rounds 1-2 and 3 after, as bo1's sub-graph); ` +
      `at ${bytesEnds.low} and ${bytesEnds.high} B per contribution: ${((oneSpCount * bytesEnds.low) / KB).toFixed(1)} KB and ${((oneSpCount * bytesEnds.high) / KB).toFixed(1)} KB.`;
    const endsMethod =
      `Constant ends: the same deliberations re-run through the engine's settings with rounds forced to ${roundsEnds.low} and ${roundsEnds.high} ` +
      `(max_rounds = rounds + 1), with ${personaEnds.low} and ${personaEnds.high} personas per sub-problem, and with pruning keeping at least ` +
      `${keptEnds.low} and ${keptEnds.high} contributions (deliberation.pruningMinKept); contribution bytes modelled as the retained count x the end.`;
    ctx.report.claims.push(
      checkClaim('C24', retained.has('off.1') ? oneSpOff : null, {
        summary:
          `${(oneSpOff / KB).toFixed(1)} KB retained per single-sub-problem session without pruning: ${mean('off.1', (r) => r.retained).toFixed(1)} contributions of ` +
          `${perContribution.toFixed(0)} B (the audit assumed 5 x 6 x 500 B; the engine's sub-problems use at most 4 speakers and 5 executed rounds, and a contribution is ~220 tokens). ` +
          `By count: ${rows.join('; ')}. ${endsText}`,
        method: `${retainedMethod} ${endsMethod}`,
        constants: {
          [BYTES]: {
            value: retained.has('off.1') ? perContribution : null,
            measuredLow: finite(oneSpCount * bytesEnds.low),
            measuredHigh: finite(oneSpCount * bytesEnds.high),
          },
          [ROUNDS]: {
            value: finite(meanOf(retained.get('off.1'), (r) => r.rounds / r.subProblems)),
            measuredLow: finite(meanOf(ends.get('rounds.low.off.1'), (r) => r.retainedBytes)),
            measuredHigh: finite(meanOf(ends.get('rounds.high.off.1'), (r) => r.retainedBytes)),
          },
          [PERSONAS_CONSTANT]: {
            value: finite(meanOf(retained.get('off.1'), (r) => r.personas / r.subProblems)),
            measuredLow: finite(meanOf(ends.get('personas.low'), (r) => r.retainedBytes)),
            measuredHigh: finite(meanOf(ends.get('personas.high'), (r) => r.retainedBytes)),
          },
        },
        ...(oneSp.length === 0
          ? {}
          : { interval: { method: 'min-max' as const, low: Math.min(...oneSp), high: Math.max(...oneSp), n: oneSp.length } }),
      }),
    );
    ctx.report.claims.push(
      checkClaim('C25', retained.size === 0 ? null : reduction, {
        summary:
          `pruning keeps the last 2 rounds but at least 6 contributions: ${reduction.toFixed(0)}% fewer retained bytes over ${p.subProblemCounts.join(', ')} sub-problems ` +
          `(${(totalOff / KB).toFixed(1)} KB -> ${(totalOn / KB).toFixed(1)} KB summed over counts). With at most 5 executed rounds of 3-4 speakers, the floor of 6 leaves little to prune. ` +
          `At ${roundsEnds.low} and ${roundsEnds.high} forced rounds: ${reductionAt.roundsLow.toFixed(0)}% and ${reductionAt.roundsHigh.toFixed(0)}%; ` +
          `keeping at least ${keptEnds.low} and ${keptEnds.high}: ${reductionAt.keptLow.toFixed(0)}% and ${reductionAt.keptHigh.toFixed(0)}%.`,
        method: `${retainedMethod} ${endsMethod}`,
        constants: {
          [ROUNDS]: {
            value: finite(meanOf([...retained.values()].flat(), (r) => r.rounds / r.subProblems)),
            measuredLow: finite(reductionAt.roundsLow),
            measuredHigh: finite(reductionAt.roundsHigh),
          },
          [MIN_KEPT]: {
            value: DELIBERATION_DEFAULTS.pruningMinKept,
            measuredLow: finite(reductionAt.keptLow),
            measuredHigh: finite(reductionAt.keptHigh),
          },
        },
      }),
    );

    // --- Heap per active session -----------------------------------------------------------------
    const heap = new Map<string, HeapSample[]>();
    // Unrecorded warm-up: the first held batch also pays for compiled code and lazily built caches.
    ctx.progress('heap', 'warm-up');
    await heapPerSession(llm, gc, { sessions: 2, subProblems: 1, pruning: true, tag: 'warmup', signal: controller.signal });
    for (const k of p.heapCounts) {
      for (let r = 0; r < p.heapRepeats; r++) {
        for (const pruning of r % 2 === 0 ? PRUNING : [...PRUNING].reverse()) {
          ctx.progress('heap', `${k} SP, pruning ${pruning}, ${p.heapSessions} sessions`);
          ctx.signal.throwIfAborted();
          const s = await heapPerSession(llm, gc, {
            sessions: p.heapSessions,
            subProblems: k,
            pruning: pruning === 'on',
            tag: `h${k}-${r}-${pruning}`,
            signal: controller.signal,
          });
          heap.set(`${pruning}.${k}`, [...(heap.get(`${pruning}.${k}`) ?? []), s]);
          ctx.recorder.record(`state.heap_per_session.${pruning}.sp${k}.bytes`, Math.max(1, s.perSessionBytes), HISTOGRAM_RANGES.bytes);
        }
      }
      const off = median((heap.get(`off.${k}`) ?? []).map((s) => s.perSessionBytes));
      const on = median((heap.get(`on.${k}`) ?? []).map((s) => s.perSessionBytes));
      ctx.recorder.set(`state.heap_per_session.off.sp${k}`, off, 'bytes');
      ctx.recorder.set(`state.heap_per_session.on.sp${k}`, on, 'bytes');
      const ratios = (heap.get(`off.${k}`) ?? []).map(
        (s, i) => s.perSessionBytes / ((heap.get(`on.${k}`) ?? [])[i]?.perSessionBytes ?? Number.NaN),
      );
      ctx.report.comparisons.push(
        cmp(`heap per active session, ${k} sub-problem(s): pruning off vs on`, `state.heap_per_session.sp${k}`, off, on, ratios),
      );
    }
    // --- C44: heap of the contribution lists alone, 5-sub-problem sessions -----------------------------
    const listHeap: ContributionHeapSample[] = [];
    if (gc !== undefined && p.contributionHeapSessions > 0) {
      for (let r = 0; r < p.contributionHeapRepeats; r++) {
        ctx.progress('contribution heap', `${p.contributionHeapSessions} sessions x ${SESSION_SUB_PROBLEMS} SP, repeat ${r + 1}`);
        ctx.signal.throwIfAborted();
        const h = await contributionHeap(llm, gc, {
          sessions: p.contributionHeapSessions,
          subProblems: SESSION_SUB_PROBLEMS,
          tag: `lh-${r}`,
          signal: controller.signal,
        });
        listHeap.push(h);
        ctx.recorder.record('state.contribution_heap.sp5.bytes', Math.max(1, h.heapBytes), HISTOGRAM_RANGES.bytes);
      }
    }
    ctx.signal.removeEventListener('abort', stop);
    const onValues = p.heapCounts.map((k) => median((heap.get(`on.${k}`) ?? []).map((s) => s.perSessionBytes)));
    ctx.recorder.set('state.heap_per_session.on.max', Math.max(...onValues), 'bytes');
    const heapRows = p.heapCounts.map((k) => {
      const off = ctx.recorder.toMeasurements().counters[`state.heap_per_session.off.sp${k}`]?.value ?? 0;
      const on = ctx.recorder.toMeasurements().counters[`state.heap_per_session.on.sp${k}`]?.value ?? 0;
      return `${k} SP: ${(off / KB).toFixed(0)} KB off, ${(on / KB).toFixed(0)} KB on`;
    });
    const heapMethod =
      `${p.heapSessions} sessions held at once (started one after another, each once the previous one parked), each sub-problem parked at its first vote call (contribution list complete); heapUsed after a full GC ` +
      `(${gcMethod}) minus heapUsed before the sessions started, / sessions; ${p.heapRepeats} alternating off/on round(s), median.`;
    if (gcMethod === 'none') ctx.report.untrusted.push('state-memory: no way to force a GC; heap figures include garbage');
    ctx.report.claims.push(
      ...sessionClaims({
        own,
        low: forced.low,
        high: forced.high,
        heap: listHeap.length > 0 ? listHeap : perSession === undefined ? [] : [perSession],
        ...(perSession === undefined ? {} : { perSession }),
        retainedMethod,
        heapMethod: contributionHeapMethod(p, gcMethod, listHeap.length > 0),
      }),
    );

    const biggest = Math.max(...p.subProblemCounts);
    const savedKb = (mean(`off.${biggest}`, (r) => r.retainedBytes) - mean(`on.${biggest}`, (r) => r.retainedBytes)) / KB;
    ctx.report.findings.push({
      id: 'state-memory.contributions',
      priority: savedKb * 50 > 10 * KB ? 'P2' : 'P3',
      title: `Contribution state is ${(mean(`off.${biggest}`, (r) => r.retainedBytes) / KB).toFixed(0)} KB per ${biggest}-sub-problem session; pruning saves ${reduction.toFixed(0)}%`,
      evidence: [
        { kind: 'comparison', ref: `retained contribution bytes per session, ${biggest} sub-problem(s): pruning off vs on` },
        ...p.heapCounts.map((k) => ({
          kind: 'comparison' as const,
          ref: `heap per active session, ${k} sub-problem(s): pruning off vs on`,
        })),
      ],
      measuredImpact: {
        summary: `${savedKb.toFixed(1)} KB saved per ${biggest}-sub-problem session (${((savedKb * 50) / KB).toFixed(2)} MB at 50 sessions); heap per active session: ${heapRows.join('; ')}. ${heapMethod}`,
        metric: `state.retained_bytes.sp${biggest}`,
        value: savedKb * KB,
        unit: 'bytes',
        // Memory, not time: no latency is saved, so it ranks below every time-saving finding.
        score: 0,
      },
      recommendation:
        'Keep pruning on (it is cheap), but do not expect it to matter: the contribution lists are a small part of heap per session; store full history in PostgreSQL and keep summaries in state if sessions grow longer.',
      auditRef: '§5.1 hotspot 2; §7 P2.9',
    });
  },
});

function contributionHeapMethod(p: StateMemoryParams, gcMethod: GcMethod, concurrent: boolean): string {
  if (gcMethod === 'none') return 'no way to force a GC: the heap of the contribution lists cannot be told from garbage';
  const lists =
    `each sub-problem's contribution list taken by reference from the state the engine checkpoints after its last round (the list it keeps ` +
    `until the sub-problem completes); once the sessions have finished, heapUsed after a full GC (${gcMethod}) with only those lists held, ` +
    `minus the same after dropping them one session at a time`;
  return concurrent
    ? `${p.contributionHeapSessions} ${SESSION_SUB_PROBLEMS}-sub-problem sessions run one after another with every list kept, pruning off (in-memory ports, same mock); ${lists}; ` +
        `${p.contributionHeapRepeats} repeat(s), mean` +
        (p.contributionHeapSessions === AUDIT_SESSIONS ? '.' : `, x ${AUDIT_SESSIONS}/${p.contributionHeapSessions}.`)
    : `the ${p.problems} ${SESSION_SUB_PROBLEMS}-sub-problem deliberation(s) of C43 (pruning off), run one after the other; ${lists}; the mean ` +
        `per session x ${AUDIT_SESSIONS}, min-max over sessions (${AUDIT_SESSIONS} more sessions cost ~1 s of CPU each, too much for ci).`;
}

function cmp(name: string, metric: string, off: number, on: number, ratios: number[]): Comparison {
  const finite = ratios.filter((x) => Number.isFinite(x));
  return {
    name,
    metric,
    unit: 'bytes',
    better: 'lower',
    before: { variant: 'pruning-off', value: off },
    after: { variant: 'pruning-on', value: on },
    ratio: on > 0 ? off / on : 1,
    ...(finite.length === 0
      ? {}
      : { interval: { method: 'min-max' as const, low: Math.min(...finite), high: Math.max(...finite), n: finite.length } }),
  };
}
