import pg from 'pg';
import { migrate, type OptimizationName } from '../../../engine/migrate/index.js';
import type { ScenarioContext } from '../../../harness/scenario/index.js';

/** One database of the comparison, named by what it holds. */
export interface VariantDatabase {
  id: 'baseline' | 'sessions-covering' | 'singles' | 'all';
  url: string;
  optimizations: OptimizationName[];
}

/**
 * "Each optimisation alone" needs, for every query, a database where the only optimisation
 * touching that query's tables is the one measured. Four databases give that: the four
 * optimisations on disjoint tables (task-count on sessions, the events, costs and action_tags
 * indexes) share `singles`; sessions-covering, the other one on `sessions`, gets its own.
 */
const SINGLES: OptimizationName[] = ['task-count', 'session-events-covering', 'api-costs-covering', 'action-tags-tag-action'];

/** Tables an index-only scan of a measured query could read (their visibility maps matter). */
const HOT_TABLES = ['sessions', 'session_tasks', 'session_events', 'api_costs', 'action_tags'];

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Builds the four databases. The baseline clone is VACUUMed once (a production table is kept
 * vacuumed by autovacuum; without it no index-only scan is possible and the covering indexes
 * would be judged unfairly), then cloned, so every variant has identical rows and visibility maps.
 */
export async function prepareDatabases<P>(ctx: ScenarioContext<P>): Promise<VariantDatabase[]> {
  ctx.progress('databases', 'baseline clone');
  const base = await ctx.data.database({ label: 'ql_base', optimizations: 'none' });
  await withClient(base.url, async (c) => {
    for (const t of HOT_TABLES) await c.query(`VACUUM (ANALYZE) ${pg.escapeIdentifier(t)}`);
  });
  const derived: { id: VariantDatabase['id']; optimizations: OptimizationName[] }[] = [
    { id: 'sessions-covering', optimizations: ['sessions-covering'] },
    { id: 'singles', optimizations: SINGLES },
    { id: 'all', optimizations: [...SINGLES, 'sessions-covering'] },
  ];
  const out: VariantDatabase[] = [{ id: 'baseline', url: base.url, optimizations: [] }];
  for (const d of derived) {
    ctx.progress('databases', d.id);
    const db = await ctx.infra.createDatabase(`ql_${d.id.replaceAll('-', '_')}`, base.name);
    await migrate({ databaseUrl: db.url, optimizations: d.optimizations, createDatabase: false });
    // The clone keeps the baseline's visibility maps; only task-count's backfill rewrites rows
    // (sessions), so only that table needs vacuuming again (and statistics for the new column).
    if (d.optimizations.includes('task-count')) await withClient(db.url, (c) => c.query('VACUUM (ANALYZE) sessions'));
    out.push({ id: d.id, url: db.url, optimizations: d.optimizations });
  }
  return out;
}
