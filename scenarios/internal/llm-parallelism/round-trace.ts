import type { LlmPort } from '../../../engine/deliberation/index.js';

/** Role of an embedding request in a round's calls (completions carry their LLM role). */
export const EMBEDDING_ROLE = 'embedding';

/** One call of a round (persona, summarizer, judge, embedding), as the engine's LLM port saw it: mock-clock ms. */
export interface CallSpan {
  role: string;
  start: number;
  end: number;
}

/**
 * One round of the engine's own round code (subproblem.ts roundStep), from its events and the
 * completion calls it made: `round_started` -> `convergence` (the round's last event; what follows
 * is an in-memory progress update and checkpoint), with the number of speakers it announced.
 */
export interface RoundTrace {
  subProblem: number;
  round: number;
  speakers: number;
  start: number;
  /** The `convergence` event; NaN while the round runs (a round cut short is not a round). */
  end: number;
  /** The round's last `contribution` event: end of its persona phase. */
  lastContribution: number;
  calls: CallSpan[];
}

const keyOf = (subProblem: unknown, round: unknown): string => `${String(subProblem)}:${String(round)}`;

/**
 * Collects one session's rounds. `port` wraps the LLM port the engine is given, so every
 * completion and embedding request is timed where the engine issues it: the overlap it shows is
 * the engine's own gather, not one the scenario arranged. The wrapper adds two clock reads per call.
 */
export class RoundTracer {
  private readonly byKey = new Map<string, RoundTrace>();

  port(llm: LlmPort): LlmPort {
    return {
      embed: (texts, context) => this.timed(EMBEDDING_ROLE, context, () => llm.embed(texts, context)),
      complete: (req) => this.timed(req.role, req.context, () => llm.complete(req)),
    };
  }

  private async timed<T>(
    role: string,
    context: { subProblemIndex?: number; round?: number } | undefined,
    call: () => Promise<T>,
  ): Promise<T> {
    const start = performance.now();
    try {
      return await call();
    } finally {
      // Calls outside a round (decompose, vote, synthesis...) carry no round number; a round's
      // calls start after its awaited round_started event, so the round is always known here.
      if (typeof context?.round === 'number') {
        this.byKey.get(keyOf(context.subProblemIndex, context.round))?.calls.push({ role, start, end: performance.now() });
      }
    }
  }

  /** Feeds one engine event (the session's EventPort calls this); returns nothing the engine waits on. */
  event(type: string, data: Record<string, unknown>, now: number): void {
    const key = keyOf(data['sub_problem_index'], data['round']);
    if (type === 'round_started') {
      const experts = Array.isArray(data['experts']) ? data['experts'].length : 0;
      const subProblem = typeof data['sub_problem_index'] === 'number' ? data['sub_problem_index'] : -1;
      const round = typeof data['round'] === 'number' ? data['round'] : -1;
      this.byKey.set(key, { subProblem, round, speakers: experts, start: now, end: Number.NaN, lastContribution: now, calls: [] });
    } else if (type === 'contribution') {
      const r = this.byKey.get(key);
      if (r !== undefined) r.lastContribution = now;
    } else if (type === 'convergence') {
      const r = this.byKey.get(key);
      if (r !== undefined) r.end = now;
    }
  }

  /** Completed rounds only. */
  rounds(): RoundTrace[] {
    return [...this.byKey.values()].filter((r) => Number.isFinite(r.end));
  }
}
