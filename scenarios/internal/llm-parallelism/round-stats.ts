import { peakOverlap } from '../../../harness/metrics/index.js';
import { EMBEDDING_ROLE, type CallSpan, type RoundTrace } from './round-trace.js';

export interface Interval {
  start: number;
  end: number;
}

/** Largest number of intervals open at one moment; an end and a start at the same instant do not overlap. */
export function maxInFlight(intervals: readonly Interval[]): number {
  return peakOverlap(intervals, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
}

/** How one round's persona calls overlapped (mock-clock ms). */
export interface PersonaOverlap {
  speakers: number;
  calls: number;
  inFlightMax: number;
  /** First persona call's start to the last one's end. */
  spanMs: number;
  slowestMs: number;
  sumMs: number;
}

const personaCalls = (r: RoundTrace): CallSpan[] => r.calls.filter((c) => c.role === 'persona');

export function personaOverlap(r: RoundTrace): PersonaOverlap {
  const calls = personaCalls(r);
  const durations = calls.map((c) => c.end - c.start);
  return {
    speakers: r.speakers,
    calls: calls.length,
    inFlightMax: maxInFlight(calls),
    spanMs: calls.length === 0 ? 0 : Math.max(...calls.map((c) => c.end)) - Math.min(...calls.map((c) => c.start)),
    slowestMs: durations.length === 0 ? 0 : Math.max(...durations),
    sumMs: durations.reduce((s, d) => s + d, 0),
  };
}

/** A round that gathered all its persona calls: every speaker's call was in flight at the same moment. */
export function fullyOverlapped(o: PersonaOverlap): boolean {
  return o.speakers > 0 && o.calls === o.speakers && o.inFlightMax === o.speakers;
}

/** The mock's fixed latencies (real ms): each call waited `latency x scale` mock ms. */
export interface Latencies {
  scale: number;
  llmMs: number;
  embeddingMs: number;
}

/** Longest run of calls each starting after the previous one ended: how many waits lie end to end. */
export function chainDepth(calls: readonly Interval[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  sorted.forEach((c, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) if ((sorted[j] as Interval).end <= c.start) before = Math.max(before, depth[j] ?? 0);
    depth.push(before + 1);
  });
  return Math.max(0, ...depth);
}

interface Branch {
  start: number;
  end: number;
  realMs: number;
}

/** One kind of call of a stage in real time: its mock span with each chained mock wait replaced by `latencyMs`. */
function branch(calls: readonly CallSpan[], mockWaitMs: number, latencyMs: number): Branch | undefined {
  if (calls.length === 0) return undefined;
  const start = Math.min(...calls.map((c) => c.start));
  const end = Math.max(...calls.map((c) => c.end));
  return { start, end, realMs: end - start + chainDepth(calls) * (latencyMs - mockWaitMs) };
}

/**
 * A round's duration in real time at the given latencies. Dividing the mock duration by the time
 * scale would also multiply every millisecond of CPU (SDK, mock transport, engine, other sessions
 * sharing the cores) by 1/scale: with 25 one-text embedding requests per audited round that was up to
 * half the round. Instead each stage of roundStep keeps its measured mock time, and only the
 * mock's waits on the stage's longest chain are put back to their configured real latency:
 * persona gather, then summarizer, then judge beside the embedding requests (the slower of the
 * two, re-decided at every latency). Gaps between stages (saves, events) count at face value.
 * `llmMs` puts the LLM waits back at another latency than the mock's (a constant's low or high end).
 */
export function realRoundMs(r: RoundTrace, l: Latencies, llmMs = l.llmMs): number {
  const of = (role: string): CallSpan[] => r.calls.filter((c) => c.role === role);
  const llm = (role: string): Branch | undefined => branch(of(role), l.llmMs * l.scale, llmMs);
  const stages = [
    [llm('persona')],
    [llm('summarizer')],
    [llm('judge'), branch(of(EMBEDDING_ROLE), l.embeddingMs * l.scale, l.embeddingMs)],
  ];
  let real = r.end - r.start;
  for (const stage of stages) {
    const bs = stage.filter((b): b is Branch => b !== undefined);
    if (bs.length === 0) continue;
    const from = Math.min(...bs.map((b) => b.start));
    const mock = Math.max(...bs.map((b) => b.end)) - from;
    real += Math.max(...bs.map((b) => b.start - from + b.realMs)) - mock;
  }
  return real;
}
