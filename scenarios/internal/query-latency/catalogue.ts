import { ActionRepository, CostRepository, SessionEventRepository, SessionRepository } from '../../../engine/db/index.js';
import type { StatementMode } from '../../../engine/db/index.js';
import type { OptimizationName } from '../../../engine/migrate/index.js';
import type { VariantDatabase } from './databases.js';
import type { QueryParams } from './params.js';
import type { RecordingDb } from './recording.js';

export type QueryId =
  'list_sessions' | 'actions_tags_1' | 'actions_tags_2' | 'actions_tags_3' | 'get_events' | 'get_session_costs' | 'get_subproblem_costs';

/** One way of running a hot query: a database (optimisations applied) and a query shape. */
export interface Variant {
  /** `baseline`, the optimisation name measured alone, a shape (`cte`), or `all`. */
  id: string;
  db: VariantDatabase['id'];
  /** Optimisations that make this variant differ from the baseline for this query. */
  applies: (OptimizationName | 'cte-rewrite')[];
  exec(i: number): Promise<void>;
  recording: RecordingDb;
}

export interface HotQuery {
  id: QueryId;
  /** How this copy of the query reaches the server (its RecordingDbs' statement mode). */
  mode: StatementMode;
  title: string;
  /** bo1-facts section of the SQL shape. */
  source: string;
  variants: Variant[];
}

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length] as T;

/** The hot queries through the engine's own repositories, so the measured SQL is the engine's. */
export function buildCatalogue(
  dbs: ReadonlyMap<VariantDatabase['id'], RecordingDb>,
  p: QueryParams,
  listLimit: number,
  mode: StatementMode,
): HotQuery[] {
  const db = (id: VariantDatabase['id']): RecordingDb => dbs.get(id) as RecordingDb;
  const list = (id: string, dbId: VariantDatabase['id'], shape: 'join' | 'task_count', applies: Variant['applies']): Variant => {
    const rec = db(dbId);
    const repo = new SessionRepository(rec, shape);
    return {
      id,
      db: dbId,
      applies,
      recording: rec,
      exec: async (i) => {
        await repo.listByUser(pick(p.listUsers, i), { limit: listLimit });
      },
    };
  };
  const tags =
    (n: 1 | 2 | 3) =>
    (id: string, dbId: VariantDatabase['id'], shape: 'in_subquery' | 'cte', applies: Variant['applies']): Variant => {
      const rec = db(dbId);
      // The audit's own tag-filter shapes, both with bo1's DISTINCT: the claims are about the CTE
      // and the index (the DISTINCT-free listing is http-load's actions finding, issue 18).
      const repo = new ActionRepository(rec, shape, 'distinct');
      return {
        id,
        db: dbId,
        applies,
        recording: rec,
        exec: async (i) => {
          const f = pick(p.tagFilters[n], i);
          await repo.getByUser(f.userId, { tagIds: f.tagIds });
        },
      };
    };
  const events = (id: string, dbId: VariantDatabase['id'], applies: Variant['applies']): Variant => {
    const rec = db(dbId);
    const repo = new SessionEventRepository(rec, 'multi_row', 30);
    return {
      id,
      db: dbId,
      applies,
      recording: rec,
      exec: async (i) => {
        await repo.getEvents(pick(p.eventSessions, i));
      },
    };
  };
  const costs =
    (kind: 'session' | 'subproblem') =>
    (id: string, dbId: VariantDatabase['id'], applies: Variant['applies']): Variant => {
      const rec = db(dbId);
      const repo = new CostRepository(rec, 30);
      return {
        id,
        db: dbId,
        applies,
        recording: rec,
        exec: async (i) => {
          const s = pick(p.costSessions, i);
          if (kind === 'session') await repo.getSessionCosts(s);
          else await repo.getSubproblemCosts(s);
        },
      };
    };
  const tagQuery = (n: 1 | 2 | 3): HotQuery => {
    const v = tags(n);
    return {
      id: `actions_tags_${n}`,
      mode,
      title: `Actions filtered by ${n} tag${n > 1 ? 's' : ''} (get_by_user)`,
      source: '§2.3',
      variants: [
        v('baseline', 'baseline', 'in_subquery', []),
        v('cte-rewrite', 'baseline', 'cte', ['cte-rewrite']),
        v('action-tags-tag-action', 'singles', 'in_subquery', ['action-tags-tag-action']),
        v('all', 'singles', 'cte', ['cte-rewrite', 'action-tags-tag-action']),
      ],
    };
  };
  const ev = events;
  const sc = costs('session');
  const sp = costs('subproblem');
  return [
    {
      id: 'list_sessions',
      mode,
      title: `Session listing with task count (list_by_user, limit ${listLimit})`,
      source: '§2.1',
      variants: [
        list('baseline', 'baseline', 'join', []),
        list('sessions-covering', 'sessions-covering', 'join', ['sessions-covering']),
        list('task-count', 'singles', 'task_count', ['task-count']),
        list('all', 'all', 'task_count', ['task-count', 'sessions-covering']),
      ],
    },
    tagQuery(1),
    tagQuery(2),
    tagQuery(3),
    {
      id: 'get_events',
      mode,
      title: 'Events by session, 30-day window (get_events)',
      source: '§2.2',
      variants: [
        ev('baseline', 'baseline', []),
        ev('session-events-covering', 'singles', ['session-events-covering']),
        ev('all', 'singles', ['session-events-covering']),
      ],
    },
    {
      id: 'get_session_costs',
      mode,
      title: 'Cost aggregation by session (get_session_costs)',
      source: '§2.4',
      variants: [
        sc('baseline', 'baseline', []),
        sc('api-costs-covering', 'singles', ['api-costs-covering']),
        sc('all', 'singles', ['api-costs-covering']),
      ],
    },
    {
      id: 'get_subproblem_costs',
      mode,
      title: 'Sub-problem costs by session (get_subproblem_costs)',
      source: '§2.5',
      variants: [
        sp('baseline', 'baseline', []),
        sp('api-costs-covering', 'singles', ['api-costs-covering']),
        sp('all', 'singles', ['api-costs-covering']),
      ],
    },
  ];
}
