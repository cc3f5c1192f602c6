import type pg from 'pg';
import type { LatencyBreakdownRow } from '../../../harness/result/index.js';

/** Whether the server can split a statement's time into planning and execution for us. */
export interface ServerStats {
  /** pg_stat_statements is preloaded and readable in these databases. */
  available: boolean;
  /** pg_stat_statements.track_planning can be switched on for our connections (superuser GUC). */
  trackPlanning: boolean;
  /** Why not, when either is false (shown in the method). */
  note: string;
}

/**
 * Probes pg_stat_statements in one of the variant databases (creating the extension there, which
 * is harmless where it is not preloaded: the view then errors and we say so).
 */
export async function probeServerStats(client: pg.Client): Promise<ServerStats> {
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
  } catch (err) {
    return {
      available: false,
      trackPlanning: false,
      note: `pg_stat_statements unavailable on this server (${(err as Error).message}); planning and execution come from EXPLAIN (ANALYZE, SUMMARY) samples`,
    };
  }
  try {
    await client.query('SET pg_stat_statements.track_planning = on');
    await client.query('RESET pg_stat_statements.track_planning');
    return { available: true, trackPlanning: true, note: 'pg_stat_statements with track_planning on for the measuring connections' };
  } catch (err) {
    return {
      available: true,
      trackPlanning: false,
      note: `pg_stat_statements.track_planning cannot be set (${(err as Error).message}); planning time is not split out`,
    };
  }
}

/** The URL with track_planning switched on for every connection opened through it. */
export function withTrackPlanning(url: string): string {
  const u = new URL(url);
  u.searchParams.set('options', '-c pg_stat_statements.track_planning=on');
  return u.toString();
}

/** Forgets this database's statement statistics (after warm-up, before the recorded executions). */
export async function resetStatements(client: pg.Client): Promise<void> {
  await client.query('SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)');
}

export interface StatementTimes {
  calls: number;
  plans: number;
  planMeanMs: number;
  execMeanMs: number;
}

/**
 * Top-level counters of everything this database ran since the last reset, except our own
 * statistics statements. Used right after a pass in which only one statement ran, so the totals
 * are that statement's (no query-id matching, which the literal and bound forms would complicate).
 */
export async function statementTimes(client: pg.Client): Promise<StatementTimes | null> {
  const r = await client.query<{ calls: string | null; plans: string | null; plan_ms: number | null; exec_ms: number | null }>(
    `SELECT sum(calls)::text AS calls, sum(plans)::text AS plans, sum(total_plan_time) AS plan_ms, sum(total_exec_time) AS exec_ms
     FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel
       AND query NOT ILIKE '%pg_stat_statements%'`,
  );
  const row = r.rows[0];
  const calls = Number(row?.calls ?? 0);
  if (row === undefined || calls === 0) return null;
  const plans = Number(row.plans ?? 0);
  return { calls, plans, planMeanMs: Number(row.plan_ms ?? 0) / calls, execMeanMs: Number(row.exec_ms ?? 0) / calls };
}

/**
 * One breakdown row from the client histogram and the server's means. Without pg_stat_statements
 * the EXPLAIN (ANALYZE, SUMMARY) sample stands in (`useExplain`, only where it plans the way the
 * measured calls did: not for prepared statements running a cached generic plan).
 */
export function breakdownRow(
  base: Pick<LatencyBreakdownRow, 'query' | 'variant' | 'mode' | 'n' | 'clientP50Ms' | 'clientP95Ms' | 'clientMeanMs'>,
  server: StatementTimes | null,
  explain: { planningMs: number; executionMs: number } | undefined,
  useExplain: boolean,
): LatencyBreakdownRow {
  const fromExplain = server === null && useExplain && explain !== undefined;
  const parts =
    server !== null
      ? { plan: server.planMeanMs, exec: server.execMeanMs }
      : fromExplain
        ? { plan: explain.planningMs, exec: explain.executionMs }
        : null;
  return {
    ...base,
    planMeanMs: parts?.plan ?? null,
    execMeanMs: parts?.exec ?? null,
    clientOverheadMeanMs: parts === null ? null : base.clientMeanMs - parts.plan - parts.exec,
    plansPerCall: server === null ? null : server.plans / server.calls,
    source: server !== null ? 'pg_stat_statements' : fromExplain ? 'explain' : 'none',
    ...(explain === undefined ? {} : { explainPlanningMs: explain.planningMs, explainExecutionMs: explain.executionMs }),
  };
}
