// GET /api/v1/actions?tag_ids=a,b (AND semantics) on a ramping arrival rate: the tag-filter query
// the audit's (tag_id, action_id) index targets. Export with --tag-ids from the seeded database.
import { optionsFor } from './lib/config.ts';
import { prepareSessions } from './lib/requests.ts';

export { actionsByTags } from './lib/requests.ts';

export const options = optionsFor('actions-by-tags');

export function setup(): void {
  prepareSessions();
}
