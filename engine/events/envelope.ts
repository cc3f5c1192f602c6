/** The published event (§7.1): also the JSON stored in session_events.data and events_history. */
export interface EventEnvelope {
  event_type: string;
  session_id: string;
  /** Per-session sequence from the publisher: 1, 2, 3 … */
  sequence: number;
  /** ISO time of emission; also the row's created_at, so a re-sent event hits ON CONFLICT. */
  timestamp: string;
  data: unknown;
  request_id?: string;
}

/** §7.2 CRITICAL priority: the buffer is flushed and the event written at once. */
export const CRITICAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'error',
  'synthesis_complete',
  'meeting_complete',
  'meta_synthesis_complete',
  'facilitator_decision',
  'complete',
]);

/** Redis names (§8.1), with the engine's key prefix. */
export const eventKeys = (prefix: string, sessionId: string): { history: string; channel: string } => ({
  history: `${prefix}events_history:${sessionId}`,
  channel: `${prefix}events:${sessionId}`,
});

export function parseEnvelope(raw: unknown): EventEnvelope | undefined {
  try {
    const o = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Partial<EventEnvelope> | null;
    if (o === null || typeof o !== 'object' || typeof o.sequence !== 'number' || typeof o.event_type !== 'string') return undefined;
    return o as EventEnvelope;
  } catch {
    return undefined;
  }
}
