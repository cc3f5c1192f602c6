import type { PlanEvidence } from '../result/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import type { SqlClient } from './sql-client.js';

/** One node of PostgreSQL's EXPLAIN (FORMAT JSON) output; only the fields we read are typed. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Heap Fetches'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Subplans Removed'?: number;
  Plans?: PlanNode[];
}

export interface ExplainRoot {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
}

export interface ExplainOptions {
  name?: string;
  variant?: string;
  fingerprint?: string;
  /**
   * EXPLAIN ANALYZE executes the statement. For writes, run it inside BEGIN ... ROLLBACK so the
   * measurement leaves no trace (needs a single-connection client).
   */
  rollback?: boolean;
  /** Keep the raw plan JSON in the evidence (large for partitioned tables). Default true. */
  keepRaw?: boolean;
}

export interface ExplainResult extends PlanEvidence {
  /** Every relation a scan node read (tables, partitions). */
  relations: string[];
  /** Heap fetches of index-only scans; > 0 means the visibility map was stale (run VACUUM). */
  heapFetches: number;
  /** Partitions pruned at executor start-up ("Subplans Removed"). */
  subplansRemoved: number;
}

/** The plan of an `EXPLAIN (FORMAT JSON)` result: pg parses the json column; other drivers may hand back text. */
function planRoot(res: { rows: unknown[] }): ExplainRoot {
  const plan = (res.rows[0] as Record<string, unknown> | undefined)?.['QUERY PLAN'];
  const parsed: unknown = typeof plan === 'string' ? JSON.parse(plan) : plan;
  return (parsed as ExplainRoot[])[0] as ExplainRoot;
}

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Reads the facts a report needs from a plan tree, without touching the database. */
export function summarizePlan(root: ExplainRoot): Omit<ExplainResult, 'name' | 'variant' | 'fingerprint' | 'sql' | 'partitionsScanned'> {
  const nodeTypes = new Set<string>();
  const scanTypes = new Set<string>();
  const indexes = new Set<string>();
  const relations = new Set<string>();
  let sortSteps = 0;
  let heapFetches = 0;
  let subplansRemoved = 0;
  let relationScans = 0;
  let indexOnlyScans = 0;
  walk(root.Plan, (n) => {
    const type = n['Node Type'];
    nodeTypes.add(type);
    if (type.endsWith('Scan')) scanTypes.add(type);
    if (type === 'Sort' || type === 'Incremental Sort') sortSteps++;
    if (n['Index Name'] !== undefined) indexes.add(n['Index Name']);
    if (n['Relation Name'] !== undefined) {
      relations.add(n['Relation Name']);
      relationScans++;
      if (type === 'Index Only Scan') indexOnlyScans++;
    }
    heapFetches += n['Heap Fetches'] ?? 0;
    subplansRemoved += n['Subplans Removed'] ?? 0;
  });
  return {
    planningMs: root['Planning Time'],
    executionMs: root['Execution Time'],
    nodeTypes: [...nodeTypes],
    scanTypes: [...scanTypes],
    // Index-only means every relation read came from an index alone: one heap scan spoils it.
    indexOnly: relationScans > 0 && indexOnlyScans === relationScans,
    indexes: [...indexes],
    sortSteps,
    // The top node's buffer counts include its children's.
    sharedHitBlocks: root.Plan['Shared Hit Blocks'] ?? 0,
    sharedReadBlocks: root.Plan['Shared Read Blocks'] ?? 0,
    relations: [...relations],
    heapFetches,
    subplansRemoved,
  };
}

/**
 * Runs `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` for one statement and returns plan evidence:
 * planning vs execution time, node and scan types, index-only or not, indexes, sort steps, and
 * which partitions were actually scanned (relations that are children in pg_inherits).
 */
export async function explainAnalyze(
  client: SqlClient,
  sql: string,
  params: unknown[] = [],
  opts: ExplainOptions = {},
): Promise<ExplainResult> {
  let root: ExplainRoot;
  try {
    if (opts.rollback === true) await client.query('BEGIN');
    try {
      root = planRoot(await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params));
    } finally {
      if (opts.rollback === true) await client.query('ROLLBACK');
    }
  } catch (cause) {
    throw new LoadlabError(HARNESS_ERRORS.EXPLAIN_FAILED, `EXPLAIN ANALYZE failed for: ${sql.slice(0, 120)}`, { cause });
  }
  const facts = summarizePlan(root);
  let partitionsScanned: string[] = [];
  if (facts.relations.length > 0) {
    const res = await client.query(
      'SELECT c.relname FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid WHERE c.relname = ANY($1::text[]) ORDER BY 1',
      [facts.relations],
    );
    partitionsScanned = res.rows.map((r) => String((r as { relname: string }).relname));
  }
  const out: ExplainResult = {
    name: opts.name ?? opts.fingerprint ?? sql.slice(0, 60),
    variant: opts.variant ?? 'default',
    fingerprint: opts.fingerprint ?? '',
    sql,
    ...facts,
    partitionsScanned,
  };
  if (opts.keepRaw !== false) out.raw = root;
  return out;
}

/**
 * Server execution time of one run of a statement, `EXPLAIN (ANALYZE, TIMING OFF)`: per-node
 * timers off, so the figure is the statement's own work without the instrumentation that inflates
 * plans with many rows (a nested loop over thousands of rows reads the clock twice per row).
 */
export async function executionMs(client: SqlClient, sql: string, params: unknown[] = []): Promise<number> {
  try {
    return planRoot(await client.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${sql}`, params))['Execution Time'];
  } catch (cause) {
    throw new LoadlabError(HARNESS_ERRORS.EXPLAIN_FAILED, `EXPLAIN ANALYZE failed for: ${sql.slice(0, 120)}`, { cause });
  }
}
