import { randomUUID } from 'node:crypto';
import type { ListSessionsShape } from '../config/index.js';
import type { Queryable } from './db.js';
import { ISO_TIMESTAMP_TYPES } from './internal/iso-timestamps.js';

/** Statuses the schema admits (bo1's CHECK plus loadlab's evicting/evicted, see migrations). */
export type SessionStatus =
  'created' | 'running' | 'completed' | 'failed' | 'killed' | 'deleted' | 'paused' | 'terminated' | 'evicting' | 'evicted';

/** Row shape of list_by_user / get (§2.1 select list). */
export interface SessionRow {
  id: string;
  user_id: string;
  problem_statement: string;
  problem_context: unknown;
  status: SessionStatus;
  phase: string;
  total_cost: string;
  round_number: number;
  created_at: Date;
  updated_at: Date;
  synthesis_text: string | null;
  final_recommendation: string | null;
  expert_count: number;
  contribution_count: number;
  focus_area_count: number;
  workspace_id: string | null;
  task_count: number;
}

/** A listed session whose timestamps stay ISO 8601 strings (see listByUserJson). */
export type SessionJsonRow = Omit<SessionRow, 'created_at' | 'updated_at'> & { created_at: string; updated_at: string };

export interface CreateSessionInput {
  id?: string;
  userId: string;
  problemStatement: string;
  problemContext?: unknown;
  status?: SessionStatus;
  createdAt?: Date;
}

export interface ListByUserOptions {
  limit?: number;
  offset?: number;
  statusFilter?: string;
  includeDeleted?: boolean;
  workspaceId?: string;
}

const SELECT_LIST = `s.id, s.user_id, s.problem_statement, s.problem_context, s.status, s.phase, s.total_cost,
       s.round_number, s.created_at, s.updated_at, s.synthesis_text, s.final_recommendation,
       s.expert_count, s.contribution_count, s.focus_area_count, s.workspace_id`;

/** bo1 session ids are `bo1_<uuid4>` (§1.2). */
export function newSessionId(): string {
  return `bo1_${randomUUID()}`;
}

/**
 * SessionRepository (§2.1). `listShape` picks the audit-time LEFT JOIN session_tasks form or the
 * HEAD task_count form; the latter needs the task-count migration, so the column's presence is
 * checked once and, when absent, the join form is used (see effectiveListShape()).
 */
export class SessionRepository {
  private hasTaskCount: Promise<boolean> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly listShape: ListSessionsShape = 'task_count',
  ) {}

  /** Inserts a session with an explicit status (bo1's column default 'active' violated its CHECK). */
  async create(input: CreateSessionInput): Promise<SessionRow> {
    const id = input.id ?? newSessionId();
    const r = await this.db.query<SessionRow>(
      `INSERT INTO sessions (id, user_id, problem_statement, problem_context, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, COALESCE($6, now()), COALESCE($6, now()))
       RETURNING ${SELECT_LIST.replaceAll('s.', '')}, 0 AS task_count`,
      [
        id,
        input.userId,
        input.problemStatement,
        input.problemContext === undefined ? null : JSON.stringify(input.problemContext),
        input.status ?? 'created',
        input.createdAt ?? null,
      ],
      { name: 'sessions.create' },
    );
    return r.rows[0] as SessionRow;
  }

  async get(id: string): Promise<SessionRow | undefined> {
    const taskCount = (await this.taskCountColumn()) ? 's.task_count' : '0 AS task_count';
    const r = await this.db.query<SessionRow>(`SELECT ${SELECT_LIST}, ${taskCount} FROM sessions s WHERE s.id = $1`, [id], {
      name: 'sessions.get',
    });
    return r.rows[0];
  }

  /** Ids of sessions in a status, oldest first (resume looks for `running` ones whose engine died). */
  async idsWithStatus(status: SessionStatus, limit: number): Promise<string[]> {
    const r = await this.db.query<{ id: string }>(
      'SELECT id FROM sessions WHERE status = $1 ORDER BY created_at LIMIT $2',
      [status, limit],
      { name: 'sessions.ids_with_status' },
    );
    return r.rows.map((row) => row.id);
  }

  /** Sets status; terminal statuses also stamp completed_at / killed_at (+ killed_by, kill_reason). */
  async updateStatus(id: string, status: SessionStatus, extra: { killedBy?: string; killReason?: string } = {}): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE sessions SET status = $2::varchar,
         completed_at = CASE WHEN $2::varchar = 'completed' THEN now() ELSE completed_at END,
         killed_at = CASE WHEN $2::varchar = 'killed' THEN now() ELSE killed_at END,
         killed_by = COALESCE($3::varchar, killed_by), kill_reason = COALESCE($4::varchar, kill_reason)
       WHERE id = $1`,
      [id, status, extra.killedBy ?? null, extra.killReason ?? null],
      { name: 'sessions.update_status' },
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** Writes in-state totals and round (sessions.total_cost uses the in-state formula, §5.1). */
  async updateTotals(
    id: string,
    totals: { totalCost?: number; totalTokens?: number; roundNumber?: number; synthesisText?: string },
  ): Promise<void> {
    await this.db.query(
      `UPDATE sessions SET total_cost = COALESCE($2, total_cost), total_tokens = COALESCE($3, total_tokens),
         round_number = COALESCE($4, round_number), synthesis_text = COALESCE($5, synthesis_text) WHERE id = $1`,
      [id, totals.totalCost ?? null, totals.totalTokens ?? null, totals.roundNumber ?? null, totals.synthesisText ?? null],
      { name: 'sessions.update_totals' },
    );
  }

  /** Phase and in-state totals in one UPDATE: the per-round progress write of a running session. */
  async updateProgress(id: string, progress: { phase: string; totalCost?: number; roundNumber?: number }): Promise<void> {
    await this.db.query(
      'UPDATE sessions SET phase = $2, total_cost = COALESCE($3, total_cost), round_number = COALESCE($4, round_number) WHERE id = $1',
      [id, progress.phase, progress.totalCost ?? null, progress.roundNumber ?? null],
      { name: 'sessions.update_progress' },
    );
  }

  /** Flags sessions whose cost records went to the retry queue (§5.2). */
  async markUntrackedCosts(ids: readonly string[], value: boolean): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query('UPDATE sessions SET has_untracked_costs = $2 WHERE id = ANY($1)', [ids, value], {
      name: 'sessions.mark_untracked_costs',
    });
  }

  /** The shape actually used by listByUser: `task_count` needs the task-count migration. */
  async effectiveListShape(): Promise<ListSessionsShape> {
    return this.listShape === 'task_count' && (await this.taskCountColumn()) ? 'task_count' : 'join';
  }

  /** list_by_user with the exact §2.1 shapes; newest first. */
  async listByUser(userId: string, options: ListByUserOptions = {}): Promise<SessionRow[]> {
    const { sql, params, name } = await this.listStatement(userId, options);
    return (await this.db.query<SessionRow>(sql, params, { name })).rows;
  }

  /**
   * The same statement as listByUser, with timestamps left as ISO strings: for callers that only
   * serialise the rows (the HTTP listing), where Date objects are pure parse-and-format overhead.
   */
  async listByUserJson(userId: string, options: ListByUserOptions = {}): Promise<SessionJsonRow[]> {
    const { sql, params, name } = await this.listStatement(userId, options);
    return (await this.db.query<SessionJsonRow>(sql, params, { name, types: ISO_TIMESTAMP_TYPES })).rows;
  }

  private async listStatement(userId: string, options: ListByUserOptions): Promise<{ sql: string; params: unknown[]; name: string }> {
    const shape = await this.effectiveListShape();
    const params: unknown[] = [userId];
    let where = 's.user_id = $1';
    if (options.includeDeleted !== true) where += " AND s.status != 'deleted'";
    if (options.statusFilter !== undefined) {
      params.push(options.statusFilter);
      where += ` AND s.status = $${params.length}`;
    }
    if (options.workspaceId !== undefined) {
      params.push(options.workspaceId);
      where += ` AND s.workspace_id = $${params.length}`;
    }
    params.push(options.limit ?? 50, options.offset ?? 0);
    const page = `ORDER BY s.created_at DESC LIMIT $${params.length - 1} OFFSET $${params.length}`;
    const sql =
      shape === 'join'
        ? `SELECT ${SELECT_LIST}, COALESCE(st.total_tasks, 0)::int AS task_count
FROM sessions s LEFT JOIN session_tasks st ON st.session_id = s.id WHERE ${where} ${page}`
        : `SELECT ${SELECT_LIST}, s.task_count
FROM sessions s WHERE ${where} ${page}`;
    return { sql, params, name: `sessions.list_by_user.${shape}` };
  }

  private taskCountColumn(): Promise<boolean> {
    this.hasTaskCount ??= this.db
      .query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = 'sessions' AND column_name = 'task_count'`,
        [],
        { name: 'sessions.detect_task_count' },
      )
      .then((r) => (r.rows[0]?.n ?? 0) > 0)
      .catch((err: unknown) => {
        this.hasTaskCount = undefined; // retry detection next time rather than caching a failure
        throw err;
      });
    return this.hasTaskCount;
  }
}
