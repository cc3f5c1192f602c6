import type pg from 'pg';
import { explainAnalyze, type ExplainResult } from '../../../harness/metrics/index.js';
import type { HotQuery } from './catalogue.js';

interface RawNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Loops'?: number;
  Plans?: RawNode[];
}

/** Plan facts judged on relations that hold rows: empty future partitions say nothing about scale. */
export interface PlanFacts {
  /** A Seq Scan executed on a relation with at least one page of data. */
  seqScanOnData: boolean;
  /** Every executed scan on a non-empty relation was an Index Only Scan. */
  indexOnlyOnData: boolean;
  sortSteps: number;
}

export interface CapturedPlan {
  query: string;
  variant: string;
  plan: ExplainResult;
  facts: PlanFacts;
}

function scans(node: RawNode, out: RawNode[]): RawNode[] {
  if (node['Relation Name'] !== undefined && (node['Actual Loops'] ?? 1) > 0) out.push(node);
  for (const c of node.Plans ?? []) scans(c, out);
  return out;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of the exact statement each variant's repository sent
 * (its last recorded SQL and parameters), run twice so the kept plan is a warm one.
 */
export async function capturePlans(queries: readonly HotQuery[], clients: ReadonlyMap<string, pg.Client>): Promise<CapturedPlan[]> {
  const out: CapturedPlan[] = [];
  for (const q of queries) {
    for (const v of q.variants) {
      await v.exec(0);
      const st = v.recording.last;
      const client = clients.get(v.db);
      if (st === undefined || client === undefined) continue;
      const opts = { name: q.id, variant: v.id, fingerprint: `${q.id}.${v.id}` };
      await explainAnalyze(client, st.sql, [...st.params], { ...opts, keepRaw: false });
      const plan = await explainAnalyze(client, st.sql, [...st.params], opts);
      const raw = (plan.raw as { Plan: RawNode } | undefined)?.Plan;
      const nodes = raw === undefined ? [] : scans(raw, []);
      const rels = [...new Set(nodes.map((n) => n['Relation Name'] as string))];
      const pages = await client.query<{ relname: string; relpages: number }>(
        'SELECT relname, relpages FROM pg_class WHERE relname = ANY($1::text[])',
        [rels],
      );
      const nonEmpty = new Set(pages.rows.filter((r) => r.relpages > 0).map((r) => r.relname));
      const onData = nodes.filter((n) => nonEmpty.has(n['Relation Name'] as string));
      out.push({
        query: q.id,
        variant: v.id,
        plan,
        facts: {
          seqScanOnData: onData.some((n) => n['Node Type'] === 'Seq Scan'),
          indexOnlyOnData: onData.length > 0 && onData.every((n) => n['Node Type'] === 'Index Only Scan'),
          sortSteps: plan.sortSteps,
        },
      });
    }
  }
  return out;
}
