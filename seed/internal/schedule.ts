import type { SeedContext } from './plan.js';
import { sessionPlans, tagCount } from './plan.js';
import { actionTags, actions } from './tables/actions.js';
import { apiCosts, contributions } from './tables/costs.js';
import { sessionEvents } from './tables/events.js';
import { sessionClarifications, sessionTasks, sessionsSpec } from './tables/sessions.js';
import type { TableSpec } from './tables/spec.js';
import { apiTokens, researchCache, tags, userContext, users } from './tables/users.js';

/** A table to load and the tables whose rows its foreign keys need committed first. */
export interface LoadStep {
  readonly spec: TableSpec;
  readonly after: readonly string[];
}

/**
 * The load order as a dependency graph. Steps ask for connections in this order, so it must list
 * parents before children (loadAll checks it), and the big tables come right after their parents:
 * they are the long poles, and the small tables fill the other connections around them.
 */
export function loadSteps(ctx: SeedContext): LoadStep[] {
  return [
    { spec: users, after: [] },
    { spec: sessionsSpec(ctx), after: ['users'] },
    { spec: apiCosts, after: ['sessions'] },
    { spec: sessionEvents, after: ['sessions'] },
    { spec: contributions, after: ['sessions'] },
    { spec: tags, after: ['users'] },
    { spec: actions, after: ['sessions'] },
    { spec: userContext, after: ['users'] },
    { spec: apiTokens, after: ['users'] },
    { spec: researchCache, after: ['users'] },
    { spec: sessionTasks, after: ['sessions'] },
    { spec: sessionClarifications, after: ['sessions'] },
    { spec: actionTags, after: ['actions', 'tags'] },
  ];
}

/**
 * Expected rows per table, from the session plans alone (cheap: no text, no pricing), so progress
 * can show a percentage. action_tags is drawn per action and left unknown.
 */
export function expectedRows(ctx: SeedContext): Record<string, number | undefined> {
  const n = { tags: 0, session_tasks: 0, session_events: 0, api_costs: 0, contributions: 0, actions: 0, session_clarifications: 0 };
  for (let u = 0; u < ctx.profile.users; u++) n.tags += tagCount(ctx, u);
  for (const s of sessionPlans(ctx)) {
    n.session_tasks += s.tasks > 0 ? 1 : 0;
    n.session_events += s.events;
    n.api_costs += s.costs;
    n.contributions += s.personas.length * s.rounds;
    n.actions += s.tasks;
    n.session_clarifications += s.clarifications;
  }
  return {
    users: ctx.profile.users,
    user_context: ctx.profile.users,
    api_tokens: ctx.profile.users,
    research_cache: ctx.profile.researchRows,
    sessions: ctx.profile.sessions,
    ...n,
    action_tags: undefined,
  };
}
