// Every HTTP scenario at once, as the in-process `http-load` scenario mixes them: listing,
// detail, actions by tags, create -> start -> stream, and health, each its own arrival rate.
import { optionsFor } from './lib/config.ts';
import { prepareSessions, type SetupData } from './lib/requests.ts';

export { actionsByTags, health, listSessions, sessionDetail, sessionStream } from './lib/requests.ts';

export const options = optionsFor('http-load');

export function setup(): SetupData {
  return prepareSessions();
}
