import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientFleet } from './clients.js';

/**
 * Waits until every client has been delivered the last event of its session (bounded), then
 * returns how many accepted events never reached their session's client.
 */
export async function clientsCatchUp(fleet: ClientFleet, eventIds: readonly string[], signal: AbortSignal): Promise<number> {
  const last = new Map<string, number>();
  for (const id of eventIds) {
    const cut = id.lastIndexOf(':');
    const sid = id.slice(0, cut);
    last.set(sid, Math.max(last.get(sid) ?? 0, Number(id.slice(cut + 1))));
  }
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline && [...last].some(([sid, seq]) => (fleet.views.get(sid)?.lastSequence ?? 0) < seq)) {
    signal.throwIfAborted();
    await sleep(20);
  }
  // A client that jumped ahead never receives the skipped sequences: count holes, not just the tail.
  let missing = 0;
  for (const [sid, seq] of last) missing += Math.max(0, seq - (fleet.views.get(sid)?.distinct ?? 0));
  return missing;
}
