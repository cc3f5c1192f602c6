// GET /api/v1/sessions?limit=50 at a constant arrival rate: the listing the audit found slowest
// for heavy users (N+1 metadata reads, §2.1). Run the bundle: k6 run list-sessions.js
import { optionsFor } from './lib/config.ts';
import { prepareSessions } from './lib/requests.ts';

export { listSessions } from './lib/requests.ts';

export const options = optionsFor('list-sessions');

// Fails fast on a wrong target or token before the arrival-rate scenario starts.
export function setup(): void {
  prepareSessions();
}
