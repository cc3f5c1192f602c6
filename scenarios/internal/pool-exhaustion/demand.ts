import type { QueryTrace } from '../../../engine/db/index.js';

/** One caller's claim on a pooled connection: from asking for it until its statement ended (performance.now() ms). */
interface Hold {
  from: number;
  to: number;
  span: string | undefined;
}

export interface DemandPeaks {
  /** Most callers waiting for or holding a connection at once: sessions, API reads and background work together. */
  all: number;
  /** Sessions only, during the start-up burst: from the simultaneous start until session demand first fell back to 0. */
  sessionsStart: number;
  /** Sessions only, after the start-up burst: the demand of N sessions running. */
  sessionsRunning: number;
  /** Most connections one session asked for or held at once. */
  perSession: number;
  /** When the start-up burst ended, ms after the sessions were started. */
  startBurstMs: number;
}

/** API reads run under `api:<n>` spans; everything else (session spans, timers they scheduled, no span) is session work. */
const isApi = (span: string | undefined): boolean => span?.startsWith('api:') === true;

/**
 * Connection demand from the query tracer rather than from the pool's 100 ms samples: a statement
 * of ~1 ms between two samples is invisible to them, and the pool's counters cannot say which
 * caller (session or API read) held a connection. A statement's hold runs from its acquire request
 * (its acquire wait included, so queued callers count as demand) to its end. Statements inside a
 * transaction are separate holds, so the JS time between them is missed (understated); the end is
 * taken when the tracer runs, after any event-loop lag (overstated). Both are well under a ms here.
 */
export class DemandLog {
  private readonly holds: Hold[] = [];

  add(t: QueryTrace, now: number): void {
    this.holds.push({ from: now - t.durationMs - t.acquireMs, to: now, span: t.parentSpanId });
  }

  /** Peaks between `startedAt` (the sessions were started, all at once) and `endedAt`. */
  peaks(startedAt: number, endedAt: number): DemandPeaks {
    const sessions = this.holds.filter((h) => !isApi(h.span) && h.to > startedAt);
    const measured = splitBurst(sessions);
    const bySpan = new Map<string | undefined, Hold[]>();
    for (const h of sessions) {
      const list = bySpan.get(h.span);
      if (list === undefined) bySpan.set(h.span, [h]);
      else list.push(h);
    }
    return {
      all: maxLevel(levels(this.holds)),
      sessionsStart: measured.start,
      sessionsRunning: measured.running,
      perSession: Math.max(0, ...[...bySpan].filter(([span]) => span !== undefined).map(([, hs]) => maxLevel(levels(hs)))),
      startBurstMs: (measured.endsAt ?? endedAt) - startedAt,
    };
  }
}

/**
 * The start-up burst: from the start until session demand first falls back to 0 once every session
 * has asked for its first connection (before that, they can all be waiting on one shared statement,
 * such as the first row read's schema probe). Its peak is the sessions starting together; what
 * follows is their demand while running. Should a later start-up step come after demand touched 0,
 * it counts as running: that can only raise the running peak, never fake a low one.
 */
function splitBurst(holds: readonly Hold[]): { start: number; running: number; endsAt: number | undefined } {
  const firsts = new Map<string, number>();
  for (const h of holds) if (h.span !== undefined) firsts.set(h.span, Math.min(firsts.get(h.span) ?? Infinity, h.from));
  const allAsked = Math.max(-Infinity, ...firsts.values());
  const steps = levels(holds);
  const back = steps.findIndex((s) => s.level === 0 && s.t > allAsked);
  const end = back < 0 ? steps.length : back;
  return { start: maxLevel(steps.slice(0, end)), running: maxLevel(steps.slice(end)), endsAt: steps[end]?.t };
}

/** The number of holds open after each start or end, in time order; at one instant ends go first (touching holds do not overlap). */
function levels(holds: readonly Hold[]): Step[] {
  const edges = holds.flatMap((h) => [
    { t: h.from, d: 1 },
    { t: h.to, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let level = 0;
  return edges.map((e) => ({ t: e.t, level: (level += e.d) }));
}

interface Step {
  t: number;
  level: number;
}

const maxLevel = (steps: readonly Step[]): number => steps.reduce((m, s) => Math.max(m, s.level), 0);
