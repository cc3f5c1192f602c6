import pg from 'pg';
import type { Engine } from '../../../engine/index.js';
import { History } from '../../../harness/load/index.js';

/**
 * Operation histories for the correctness oracle: every event the engine's EventPublisher accepts
 * (id `session:sequence`) and every cost record its CostTracker accepts (request_id).
 *
 * The engine offers no observer port yet, so the two instance methods are wrapped on the engine
 * this scenario created (nothing global is patched). `publish` resolves once the publisher owns
 * the event (it promises eventual persistence); `track` returns once the record is buffered.
 */
export function recordHistories(engine: Engine): { events: History; costs: History } {
  const events = new History();
  const costs = new History();
  const publisher = engine.events;
  const publish = publisher.publish.bind(publisher);
  publisher.publish = async (sessionId, eventType, data, options) => {
    const envelope = await publish(sessionId, eventType, data, options);
    const id = `${sessionId}:${envelope.sequence}`;
    events.invoke(id);
    events.ok(id);
    return envelope;
  };
  const tracker = engine.costs;
  const track = tracker.track.bind(tracker);
  tracker.track = (input) => {
    const record = track(input);
    costs.invoke(record.requestId);
    costs.ok(record.requestId);
    return record;
  };
  return { events, costs };
}

/** Every session_events row as `session:sequence` and every api_costs request_id (duplicates kept). */
export async function storedIds(databaseUrl: string, sessionIds: readonly string[]): Promise<{ events: string[]; costs: string[] }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // a server going away must not crash the process
  await client.connect();
  try {
    const ev = await client.query<{ id: string }>(
      "SELECT session_id || ':' || sequence AS id FROM session_events WHERE session_id = ANY($1)",
      [sessionIds],
    );
    const co = await client.query<{ id: string }>('SELECT request_id::text AS id FROM api_costs');
    return { events: ev.rows.map((r) => r.id), costs: co.rows.map((r) => r.id) };
  } finally {
    await client.end();
  }
}
