import type { ActionsListShape, TagFilterShape } from '../config/index.js';
import type { Queryable } from './db.js';

export interface GetActionsOptions {
  statusFilter?: string;
  projectId?: string;
  sessionId?: string;
  /** AND semantics: an action must carry every tag. */
  tagIds?: readonly string[];
  limit?: number;
  offset?: number;
  isAdmin?: boolean;
}

/** The action columns the listing returns (bo1 selects 36; these are the ones loadlab's schema keeps). */
export interface ActionRow {
  id: string;
  user_id: string;
  source_session_id: string;
  project_id: string | null;
  title: string;
  status: string;
  priority: string;
  sort_order: number;
  created_at: Date;
  [column: string]: unknown;
}

const ACTION_COLUMNS = [
  'id',
  'user_id',
  'source_session_id',
  'project_id',
  'title',
  'description',
  'what_and_how',
  'success_criteria',
  'kill_criteria',
  'status',
  'priority',
  'category',
  'timeline',
  'estimated_duration_days',
  'target_start_date',
  'target_end_date',
  'estimated_start_date',
  'estimated_end_date',
  'actual_start_date',
  'actual_end_date',
  'blocking_reason',
  'blocked_at',
  'auto_unblock',
  'confidence',
  'source_section',
  'sub_problem_index',
  'sort_order',
  'deleted_at',
  'cancellation_reason',
  'cancelled_at',
  'progress_type',
  'progress_value',
  'estimated_effort_points',
  'parent_action_id',
  'created_at',
  'updated_at',
]
  .map((c) => `a.${c}`)
  .join(', ');

const TAG_GROUP = (tags: string, n: string): string =>
  `SELECT at.action_id FROM action_tags at WHERE at.tag_id = ANY(${tags}) GROUP BY at.action_id HAVING COUNT(DISTINCT at.tag_id) = ${n}`;

/**
 * ActionRepository.get_by_user (§2.3): tag filter `in_subquery` (audit time) or `cte` (HEAD);
 * listing `distinct` (bo1) or `plain` (no DISTINCT: see ActionsListShape).
 */
export class ActionRepository {
  constructor(
    private readonly db: Queryable,
    private readonly tagShape: TagFilterShape = 'cte',
    private readonly listShape: ActionsListShape = 'plain',
  ) {}

  async getByUser(userId: string, o: GetActionsOptions = {}): Promise<ActionRow[]> {
    const params: unknown[] = [userId];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    const tags = o.tagIds !== undefined && o.tagIds.length > 0 ? [...new Set(o.tagIds)] : undefined;
    const admin = o.isAdmin === true;
    let where = 'a.user_id = $1';
    if (!admin) where += " AND (s.status = 'completed' OR s.id IS NULL OR (s.status = 'failed' AND s.failure_acknowledged_at IS NOT NULL))";
    // Audit-time: deleted_at filtered for non-admins only; HEAD: always.
    if (this.tagShape === 'cte' || !admin) where += ' AND a.deleted_at IS NULL';
    if (o.statusFilter !== undefined) where += ` AND a.status = ${p(o.statusFilter)}`;
    if (o.projectId !== undefined) where += ` AND a.project_id = ${p(o.projectId)}`;
    if (o.sessionId !== undefined) where += ` AND a.source_session_id = ${p(o.sessionId)}`;
    const select = this.listShape === 'distinct' ? 'SELECT DISTINCT' : 'SELECT';
    let sql: string;
    if (tags === undefined) {
      sql = `${select} ${ACTION_COLUMNS} FROM actions a LEFT JOIN sessions s ON a.source_session_id = s.id WHERE ${where}`;
    } else if (this.tagShape === 'cte') {
      const t = p(tags);
      const n = p(tags.length);
      sql = `WITH matched_actions AS (${TAG_GROUP(`${t}::uuid[]`, n)})
${select} ${ACTION_COLUMNS} FROM actions a INNER JOIN matched_actions ma ON a.id = ma.action_id
LEFT JOIN sessions s ON a.source_session_id = s.id WHERE ${where}`;
    } else {
      const t = p(tags);
      const n = p(tags.length);
      sql = `${select} ${ACTION_COLUMNS} FROM actions a LEFT JOIN sessions s ON a.source_session_id = s.id
WHERE ${where} AND a.id IN (${TAG_GROUP(`${t}::uuid[]`, n)})`;
    }
    sql += ` ORDER BY a.sort_order ASC, a.created_at DESC LIMIT ${p(o.limit ?? 100)} OFFSET ${p(o.offset ?? 0)}`;
    const r = await this.db.query<ActionRow>(sql, params, {
      name: `actions.get_by_user.${this.listShape}${tags === undefined ? '' : `.${this.tagShape}`}`,
    });
    return r.rows;
  }
}
