// GET /api/v1/sessions/:id on sessions the token's user owns (setup lists them, or creates five).
import { optionsFor } from './lib/config.ts';
import { prepareSessions, type SetupData } from './lib/requests.ts';

export { sessionDetail } from './lib/requests.ts';

export const options = optionsFor('session-detail');

export function setup(): SetupData {
  return prepareSessions();
}
