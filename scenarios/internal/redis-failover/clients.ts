import type { Engine } from '../../../engine/index.js';
import type { EventEnvelope, EventSubscriber, StreamMode, Subscription } from '../../../engine/events/index.js';

/** One delivered event as the client saw it. */
export interface Delivery {
  sessionId: string;
  sequence: number;
  type: string;
  /** performance.now() at delivery. */
  at: number;
  /** ms from the event's emission timestamp to delivery (same process clock). */
  latencyMs: number;
}

/** What an SSE-like client of one session saw. */
export interface ClientView {
  sessionId: string;
  lastSequence: number;
  /** Deliveries whose sequence was not lastSequence + 1 (a hole the client would notice). */
  gaps: number;
  /** Deliveries of a sequence already seen. */
  duplicates: number;
  /** Distinct sequences delivered (lastSequence - distinct = events skipped for good). */
  distinct: number;
  /** Mode switches: to polling (fallback) and back to redis (resume). */
  fallbacks: number;
  resumes: number;
  mode: StreamMode;
}

/**
 * One EventSubscriber per session (engine/events: Redis pub/sub with replay, PostgreSQL polling
 * while Redis is down), recording every delivery and mode switch.
 */
export class ClientFleet {
  readonly deliveries: Delivery[] = [];
  readonly views = new Map<string, ClientView>();
  readonly modeChanges: { at: number; sessionId: string; mode: StreamMode }[] = [];
  private readonly subs: Subscription[] = [];
  private readonly subscriber: EventSubscriber;

  constructor(engine: Engine) {
    this.subscriber = engine.createSubscriber();
  }

  follow(sessionId: string): void {
    const view: ClientView = { sessionId, lastSequence: 0, gaps: 0, duplicates: 0, distinct: 0, fallbacks: 0, resumes: 0, mode: 'polling' };
    const seen = new Set<number>();
    this.views.set(sessionId, view);
    this.subs.push(
      this.subscriber.subscribe(sessionId, {
        afterSequence: 0,
        onEvent: (e: EventEnvelope) => {
          const at = performance.now();
          if (seen.has(e.sequence)) view.duplicates += 1;
          else if (e.sequence !== view.lastSequence + 1) view.gaps += 1;
          seen.add(e.sequence);
          view.distinct = seen.size;
          view.lastSequence = Math.max(view.lastSequence, e.sequence);
          this.deliveries.push({
            sessionId,
            sequence: e.sequence,
            type: e.event_type,
            at,
            latencyMs: Date.now() - Date.parse(e.timestamp),
          });
        },
        onMode: (mode) => {
          if (mode === 'polling' && view.mode === 'redis') view.fallbacks += 1;
          if (mode === 'redis' && view.fallbacks > 0) view.resumes += 1;
          view.mode = mode;
          this.modeChanges.push({ at: performance.now(), sessionId, mode });
        },
      }),
    );
  }

  polling(): number {
    let n = 0;
    for (const v of this.views.values()) if (v.mode === 'polling') n += 1;
    return n;
  }

  async close(): Promise<void> {
    await Promise.all(this.subs.map((s) => s.close()));
  }
}
