import type pg from 'pg';
import { ENGINE_ERRORS, LoadlabError } from '../../engine/errors/index.js';
import { SEED_DEFAULTS } from '../defaults.js';

const DAY_MS = 86_400_000;

/**
 * Where seeded timestamps may fall. Everything is relative to `refMs` (the start of the month the
 * database was migrated in, read from its partitions), never to now(), so two runs give identical
 * rows whatever the wall clock says.
 */
export interface Timeline {
  /** Start of the migration month (the middle partition). */
  readonly refMs: number;
  /** Sessions start in [startMs, endMs); endMs leaves room for the longest session. */
  readonly startMs: number;
  readonly endMs: number;
  readonly months: number;
}

const PARTITIONED = ['session_events', 'api_costs', 'contributions'] as const;

/** Month starts (UTC ms) that have a partition in every partitioned table. */
export async function readTimeline(client: pg.PoolClient | pg.Client): Promise<Timeline> {
  const { rows } = await client.query<{ parent: string; lo: string }>(
    `SELECT p.relname AS parent, (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1] AS lo
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = ANY($1::text[])`,
    [PARTITIONED],
  );
  const monthsOf = (t: string): Set<number> =>
    new Set(rows.filter((r) => r.parent === t && r.lo !== null).map((r) => Date.parse(`${r.lo.slice(0, 10)}T00:00:00Z`)));
  const sets = PARTITIONED.map(monthsOf);
  const common = [...(sets[0] ?? new Set<number>())].filter((m) => sets.every((s) => s.has(m))).sort((a, b) => a - b);
  // The longest run of consecutive months: a gap would make sessions straddle a missing partition.
  let best: number[] = [];
  let run: number[] = [];
  for (const m of common) {
    const prev = run[run.length - 1];
    run = prev !== undefined && nextMonth(prev) === m ? [...run, m] : [m];
    if (run.length > best.length) best = run;
  }
  if (best.length === 0) {
    throw new LoadlabError(ENGINE_ERRORS.SEED_NO_PARTITIONS, 'session_events, api_costs and contributions share no monthly partition', {
      hint: 'run `loadlab migrate` (it creates partitions for months -6..+6)',
    });
  }
  const first = best[0] as number;
  const last = best[best.length - 1] as number;
  // Migration creates months -6..+6, so the middle one is the migration month.
  const refMs = best[Math.floor((best.length - 1) / 2)] as number;
  // Mostly the past: sessions run from the first partition to four weeks into the migration
  // month, clipped so the longest session still ends inside the last partition.
  const endMs = Math.min(refMs + 28 * DAY_MS, nextMonth(last) - SEED_DEFAULTS.maxSessionMs - DAY_MS);
  return { refMs, startMs: first, endMs: Math.max(endMs, first + DAY_MS), months: best.length };
}

function nextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
