import { checkClaim, constantRange } from '../../../harness/audit/index.js';
import { fmtMs, median, toRealMs } from '../llm-mock/index.js';
import { fullyOverlapped, personaOverlap, realRoundMs } from './round-stats.js';
import type { RoundTrace } from './round-trace.js';
import type { TimedSession } from './session.js';

type ClaimRow = ReturnType<typeof checkClaim>;

const LATENCY = 'llm.latency.p50';

const secs = (ms: number): string => `${(ms / 1_000).toFixed(2)} s`;
const ratio = (x: number): string => `${x.toFixed(2)}x`;

/**
 * C48 "10-20 s per round": the engine's rounds of the audited-variant session (the system §6.1
 * describes), round_started -> convergence event, in real time (realRoundMs: the mock's waits put
 * back to their real latency, CPU at face value). Re-judged at both ends of the LLM latency range
 * by putting the LLM waits back at that latency instead.
 */
export function roundDurationClaim(
  sessions: readonly TimedSession[],
  opts: { timeScale: number; llmLatencyMs: number; embeddingLatencyMs: number },
): ClaimRow {
  const rounds = (variant: TimedSession['variant']) => sessions.filter((s) => s.variant === variant).flatMap((s) => s.roundTraces);
  const audited = rounds('audited');
  const mock = { scale: opts.timeScale, llmMs: opts.llmLatencyMs, embeddingMs: opts.embeddingLatencyMs };
  const at = (list: readonly RoundTrace[], llmMs: number): number[] => list.map((r) => realRoundMs(r, mock, llmMs));
  const ms = at(audited, opts.llmLatencyMs);
  const divided = audited.map((r) => toRealMs(r.end - r.start, opts.timeScale));
  const optimized = at(rounds('optimized'), opts.llmLatencyMs);
  const configuredS = opts.llmLatencyMs / 1_000;
  const { low, high } = constantRange('C48', LATENCY);
  const p50At = (s: number): number | null => (audited.length === 0 ? null : median(at(audited, s * 1_000)) / 1_000);
  const spread = (list: readonly number[]): string =>
    list.length === 0
      ? 'none'
      : `p50 ${secs(median(list))} (n ${list.length}, min ${secs(Math.min(...list))}, max ${secs(Math.max(...list))})`;
  return checkClaim('C48', ms.length === 0 ? null : median(ms) / 1_000, {
    summary:
      `audited-variant rounds ${spread(ms)}: persona gather, summarizer, then the judge beside the one-text embedding requests, ` +
      `each ${secs(opts.llmLatencyMs)} per LLM call and ${fmtMs(opts.embeddingLatencyMs)} per embedding request; optimized-variant rounds ` +
      `(batched embeddings) ${spread(optimized)}. Mock duration / time scale would give ${spread(divided)} for the audited rounds, ` +
      `CPU inflated ${(1 / opts.timeScale).toFixed(1)}x. At ${LATENCY} ${low} s / ${high} s: p50 ${(p50At(low) ?? Number.NaN).toFixed(2)} s / ` +
      `${(p50At(high) ?? Number.NaN).toFixed(2)} s.`,
    method:
      `the engine's own rounds (subproblem.ts roundStep) in the scenario's runDeliberation sessions, round_started to the round's ` +
      `convergence event, every call timed at the engine's LLM port (mock timeScale ${opts.timeScale}, fixed latencies). Real time: ` +
      `each stage (persona gather; summarizer; judge beside the embedding requests) keeps its measured mock time with the mock's ` +
      `waits on its longest chain of calls put back to the configured latency, so engine/SDK CPU counts once, not 1/timeScale ` +
      `times; the ends of ${LATENCY} put the LLM waits back at ${low} s and ${high} s instead (the slower of judge and embeddings ` +
      `re-decided). Value and min-max over the rounds of the audited-variant session (per-text embeddings, as bo1).`,
    constants: { [LATENCY]: { value: configuredS, measuredLow: p50At(low), measuredHigh: p50At(high) } },
    ...(ms.length === 0
      ? {}
      : { interval: { method: 'min-max' as const, low: Math.min(...ms) / 1_000, high: Math.max(...ms) / 1_000, n: ms.length } }),
  });
}

/**
 * C49 "LLM parallelisation is well optimised": in every round the engine ran, all persona calls
 * were in flight at once (the gather is the engine's, timed at its LLM port).
 */
export function personaOverlapClaim(sessions: readonly TimedSession[]): ClaimRow {
  const overlaps = sessions.flatMap((s) => s.roundTraces.map(personaOverlap));
  const full = overlaps.filter(fullyOverlapped);
  const holds = overlaps.length > 0 && full.length === overlaps.length;
  const speakers = [...new Set(overlaps.map((o) => o.speakers))].sort((a, b) => a - b);
  const spanOverSlowest = overlaps.filter((o) => o.slowestMs > 0).map((o) => o.spanMs / o.slowestMs);
  const sumOverSpan = overlaps.filter((o) => o.spanMs > 0).map((o) => o.sumMs / o.spanMs);
  const variants = [...new Set(sessions.map((s) => s.variant))].join(' and ');
  const calls = overlaps.reduce((n, o) => n + o.calls, 0);
  return checkClaim('C49', overlaps.length === 0 ? null : holds ? 1 : 0, {
    summary:
      `${full.length} of ${overlaps.length} rounds (${sessions.length} sessions, ${variants} variants, ${calls} persona calls, ` +
      `${speakers.join('-')} speakers per round) had all their persona calls in flight at once; persona span / slowest call ` +
      `p50 ${ratio(median(spanOverSlowest))} (max ${ratio(Math.max(...spanOverSlowest))}), sum of call times / span p50 ` +
      `${ratio(median(sumOverSpan))} (min ${ratio(Math.min(...sumOverSpan))}; = speakers when gathered, 1 when serial).`,
    method:
      "every completion the engine's round code (subproblem.ts roundStep, Promise.all over the round's speakers) issued in the " +
      "scenario's runDeliberation sessions, timed at the engine's LLM port (start/end per call); per round, the most persona calls " +
      'in flight at one moment vs the speakers its round_started event named. 1 = equal in every round.',
  });
}
