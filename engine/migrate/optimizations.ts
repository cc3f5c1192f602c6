import { LoadlabError, ENGINE_ERRORS } from '../errors/index.js';

/**
 * One entry per audit recommendation; each is a migration track of its own (one file, one
 * version table) so it can be applied alone or with the others. See
 * docs/decisions/001-migration-tracks.md.
 */
export const OPTIMIZATIONS = [
  {
    name: 'task-count',
    file: '001.do.task-count.sql',
    auditRef: '§1.1 issue 1',
    title: 'sessions.task_count column kept by triggers (removes LEFT JOIN session_tasks)',
  },
  {
    name: 'session-events-covering',
    file: '002.do.session-events-covering.sql',
    auditRef: '§1.2 missing index 1',
    title: 'session_events (session_id, created_at DESC) INCLUDE (event_type, sequence)',
  },
  {
    name: 'api-costs-covering',
    file: '003.do.api-costs-covering.sql',
    auditRef: '§1.2 missing index 2',
    title: 'api_costs (session_id, created_at DESC) INCLUDE (total_cost, cache_hit)',
  },
  {
    name: 'sessions-covering',
    file: '004.do.sessions-covering.sql',
    auditRef: '§1.2 missing index 3',
    title: 'sessions (user_id, created_at DESC) INCLUDE (status, problem_statement, phase)',
  },
  {
    name: 'action-tags-tag-action',
    file: '005.do.action-tags-tag-action.sql',
    auditRef: '§1.1 issue 2',
    title: 'action_tags (tag_id, action_id)',
  },
  {
    name: 'actions-user-sort',
    file: '006.do.actions-user-sort.sql',
    auditRef: '§2.3 (measured, issue 18)',
    title: 'actions (user_id, sort_order, created_at DESC) WHERE deleted_at IS NULL',
  },
  {
    name: 'session-checkpoints',
    file: '007.do.session-checkpoints.sql',
    auditRef: '§8.2 (issue 15)',
    title: 'session_checkpoints table: PostgreSQL fallback for deliberation checkpoints',
  },
] as const;

export type Optimization = (typeof OPTIMIZATIONS)[number];
export type OptimizationName = Optimization['name'];

export const OPTIMIZATION_NAMES: readonly OptimizationName[] = OPTIMIZATIONS.map((o) => o.name);

/** Parses `all`, `none` or a comma-separated list of names; unknown names are a usage error. */
export function parseOptimizations(input: string): OptimizationName[] {
  const trimmed = input.trim();
  if (trimmed === 'all') return [...OPTIMIZATION_NAMES];
  if (trimmed === 'none' || trimmed === '') return [];
  const names = trimmed
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(OPTIMIZATION_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new LoadlabError(ENGINE_ERRORS.OPTIMIZATION_UNKNOWN, `unknown optimization ${unknown.map((u) => `"${u}"`).join(', ')}`, {
      hint: `use all, none, or a comma-separated list of: ${OPTIMIZATION_NAMES.join(', ')}`,
    });
  }
  return [...new Set(names)] as OptimizationName[];
}
