import pg from 'pg';
import { migrate, type OptimizationName } from '../../../engine/migrate/index.js';
import type { ScenarioContext } from '../../../harness/scenario/index.js';

/** One database of the comparison, named by what it holds. */
export interface VariantDatabase {
  id: 'baseline' | 'sessions-covering' | 'singles' | 'all';
  url: string;
  optimizations: OptimizationName[];
  /** Holds only the listing's tables (sessions, session_tasks, users). */
  listingOnly?: boolean;
}

/**
 * "Each optimisation alone" needs, for every query, a database where the only optimisation
 * touching that query's tables is the one measured. The four optimisations on disjoint tables
 * (task-count on sessions, the events, costs and action_tags indexes) share `singles`, which is
 * therefore also "all" for every query but the listing. sessions-covering, the other one on
 * `sessions`, needs a database of its own, and so does the listing's "all" (task-count and
 * sessions-covering together).
 */
const SINGLES: OptimizationName[] = ['task-count', 'session-events-covering', 'api-costs-covering', 'action-tags-tag-action'];

/**
 * The listing reads only these tables (sessions LEFT JOIN session_tasks; users is the foreign
 * key target). The two listing-only databases keep just them: a whole clone at `default` data is
 * ~10 GB, and two fewer whole clones is what keeps a run's peak disk at the template plus two
 * (issue #18). Dropping other tables does not touch these tables' heap, indexes or visibility maps,
 * so the listing reads the same pages as on a whole clone.
 */
const LISTING_TABLES = ['sessions', 'session_tasks', 'users'];

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

/** Drops every table of the clone but `keep` (and loadlab's own bookkeeping tables). */
async function keepOnly(c: pg.Client, keep: readonly string[]): Promise<void> {
  const r = await c.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> ALL($1::text[]) AND c.relname NOT LIKE 'loadlab%'`,
    [keep],
  );
  for (const { relname } of r.rows) await c.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(relname)} CASCADE`);
  // Dropped relations' first segments are only unlinked at the next checkpoint; ask for one so the
  // space is back before the next clone (needs superuser or pg_checkpoint: not essential).
  await c.query('CHECKPOINT').catch(() => undefined);
}

/**
 * Builds the four databases. The baseline clone is VACUUMed once (a production table is kept
 * vacuumed by autovacuum; without it no index-only scan is possible and the covering indexes
 * would be judged unfairly), then cloned, so every variant has identical rows and visibility maps.
 * The listing-only databases are cut down to the listing's tables before they are migrated, and
 * are made first, so at most the template and two whole clones exist at any moment.
 */
export async function prepareDatabases<P>(ctx: ScenarioContext<P>): Promise<VariantDatabase[]> {
  ctx.progress('databases', 'baseline clone');
  const base = await ctx.data.database({ label: 'ql_base', optimizations: 'none' });
  await withClient(base.url, async (c) => {
    for (const t of HOT_TABLES) await c.query(`VACUUM (ANALYZE) ${pg.escapeIdentifier(t)}`);
  });
  const derived: { id: VariantDatabase['id']; optimizations: OptimizationName[]; listingOnly: boolean }[] = [
    { id: 'sessions-covering', optimizations: ['sessions-covering'], listingOnly: true },
    { id: 'all', optimizations: ['task-count', 'sessions-covering'], listingOnly: true },
    { id: 'singles', optimizations: SINGLES, listingOnly: false },
  ];
  const out: VariantDatabase[] = [{ id: 'baseline', url: base.url, optimizations: [] }];
  for (const d of derived) {
    ctx.progress('databases', d.id);
    const db = await ctx.infra.createDatabase(`ql_${d.id.replaceAll('-', '_')}`, base.name);
    if (d.listingOnly) await withClient(db.url, (c) => keepOnly(c, LISTING_TABLES));
    await migrate({ databaseUrl: db.url, optimizations: d.optimizations, createDatabase: false });
    // The clone keeps the baseline's visibility maps; only task-count's backfill rewrites rows
    // (sessions), so only that table needs vacuuming again (and statistics for the new column).
    if (d.optimizations.includes('task-count')) await withClient(db.url, (c) => c.query('VACUUM (ANALYZE) sessions'));
    out.push({ id: d.id, url: db.url, optimizations: d.optimizations, listingOnly: d.listingOnly });
  }
  return out;
}
