// POST /sessions -> POST /sessions/:id/start -> GET /sessions/:id/stream (SSE, read to the end).
import { optionsFor } from './lib/config.ts';
import { prepareSessions } from './lib/requests.ts';

export { sessionStream } from './lib/requests.ts';

export const options = optionsFor('session-stream');

// Fails fast on a wrong target or token before the arrival-rate scenario starts.
export function setup(): void {
  prepareSessions();
}
