import pg from 'pg';
import type { EngineConfig } from '../../../engine/config/index.js';
import { ActionRepository, type Queryable } from '../../../engine/db/index.js';
import { executionMs, explainAnalyze, type FingerprintStats } from '../../../harness/metrics/index.js';
import type { PlanEvidence } from '../../../harness/result/index.js';

/** One statement shape's share of an actions request. */
export interface StatementCost {
  fingerprint: string;
  /** The engine's statement name when it gave one (e.g. `actions.get_by_user.distinct`). */
  name: string;
  callsPerRequest: number;
  msPerRequest: number;
  /** msPerRequest / the request's mean time. */
  share: number;
}

/** The biggest sort in a plan: what a listing pays before its LIMIT. */
export interface SortFacts {
  rowsIn: number;
  keys: number;
  method: string;
  spaceType: string;
  spaceKb: number;
}

export interface ActionsCost {
  variant: string;
  requests: number;
  requestMeanMs: number;
  /** Statement shapes, most time per request first. */
  statements: StatementCost[];
  /** Request time outside SQL: routing, auth, JSON, Redis. */
  otherMsPerRequest: number;
  /** The plan of the requests' middle page (the evidence shown). */
  plan: PlanEvidence;
  /** The listing's server execution over the same pages the requests asked for. */
  execution: PagesExecution;
  sort: SortFacts | null;
  /** Actions of the user the page is cut from. */
  userActions: number;
}

/**
 * Server execution of the listing at every page the requests asked for (EXPLAIN ANALYZE, TIMING
 * OFF), so the client-side listing time has a server figure of the same pages beside it: OFFSET
 * reads and discards every earlier row, so a deep page costs more than the first.
 */
export interface PagesExecution {
  pages: number;
  meanMs: number;
  firstMs: number;
  lastMs: number;
  /** OFFSET of the page whose full plan is the evidence. */
  planOffset: number;
}

/** Per-request cost of each statement shape, from the tracer's per-fingerprint totals of the actions requests. */
export function statementCosts(stats: readonly FingerprintStats[], requests: number, requestMeanMs: number): StatementCost[] {
  return stats
    .map((s) => {
      const msPerRequest = s.totalMs / requests;
      return {
        fingerprint: s.fingerprint,
        name: s.sql,
        callsPerRequest: s.calls / requests,
        msPerRequest,
        share: requestMeanMs > 0 ? msPerRequest / requestMeanMs : 0,
      };
    })
    .sort((a, b) => b.msPerRequest - a.msPerRequest);
}

interface RawNode {
  'Node Type'?: string;
  'Sort Key'?: string[];
  'Sort Method'?: string;
  'Sort Space Type'?: string;
  'Sort Space Used'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: RawNode[];
}

/** The sort node that takes the most input rows (its child's rows × loops), or null when the plan sorts nothing. */
export function biggestSort(raw: unknown): SortFacts | null {
  let best: SortFacts | null = null;
  const walk = (n: RawNode | undefined): void => {
    if (n === undefined) return;
    const type = n['Node Type'];
    if (type === 'Sort' || type === 'Incremental Sort') {
      const child = n.Plans?.[0];
      const rowsIn = (child?.['Actual Rows'] ?? 0) * (child?.['Actual Loops'] ?? 1);
      if (best === null || rowsIn > best.rowsIn) {
        best = {
          rowsIn,
          keys: n['Sort Key']?.length ?? 0,
          method: n['Sort Method'] ?? type,
          spaceType: n['Sort Space Type'] ?? 'unknown',
          spaceKb: n['Sort Space Used'] ?? 0,
        };
      }
    }
    for (const c of n.Plans ?? []) walk(c);
  };
  walk((raw as { Plan?: RawNode } | undefined)?.Plan);
  return best;
}

/**
 * The listing statement exactly as the engine's ActionRepository writes it for this variant's
 * settings (tag shape, DISTINCT or not), for the user, page size and each offset the requests
 * used: its server execution at every page, and the full EXPLAIN (ANALYZE, BUFFERS) of the middle
 * page. Unnamed statements, so each is planned for its own parameters.
 */
export async function explainListing(
  url: string,
  db: EngineConfig['db'],
  userId: string,
  limit: number,
  offsets: readonly number[],
  variant: string,
): Promise<{ plan: PlanEvidence; execution: PagesExecution; userActions: number }> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    // The statement the repository writes for a page, captured without running it: the requests
    // already ran every page, so EXPLAIN ANALYZE finds them as warm as the requests left them.
    const statement = async (offset: number): Promise<{ sql: string; params: unknown[] }> => {
      let last: { sql: string; params: unknown[] } | undefined;
      const recorder: Queryable = {
        query: async <R extends pg.QueryResultRow>(sql: string, params: readonly unknown[] = []) => {
          last = { sql, params: [...params] };
          return { command: 'SELECT', rowCount: 0, oid: 0, fields: [], rows: [] as R[] };
        },
      };
      await new ActionRepository(recorder, db.tagFilterShape, db.actionsListShape).getByUser(userId, { limit, offset });
      if (last === undefined) throw new Error('the actions repository sent no statement');
      return last;
    };
    const pages = offsets.length > 0 ? offsets : [0];
    const times: number[] = [];
    for (const offset of pages) {
      const s = await statement(offset);
      times.push(await executionMs(c, s.sql, s.params));
    }
    const planOffset = pages[Math.floor((pages.length - 1) / 2)] ?? 0;
    const middle = await statement(planOffset);
    const plan = await explainAnalyze(c, middle.sql, middle.params, {
      name: 'actions.get_by_user',
      variant,
      fingerprint: 'actions.get_by_user',
    });
    const n = await c.query<{ n: string }>('SELECT count(*) AS n FROM actions WHERE user_id = $1 AND deleted_at IS NULL', [userId]);
    return {
      plan,
      execution: {
        pages: pages.length,
        meanMs: times.reduce((a, b) => a + b, 0) / times.length,
        firstMs: times[0] ?? 0,
        lastMs: times.at(-1) ?? 0,
        planOffset,
      },
      userActions: Number(n.rows[0]?.n ?? 0),
    };
  } finally {
    await c.end();
  }
}
