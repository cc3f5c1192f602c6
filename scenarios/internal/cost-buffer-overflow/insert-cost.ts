import { buildCostRecord } from '../../../engine/costs/index.js';
import type { ApiCostInput, CostRepository, Db, QueryTrace } from '../../../engine/db/index.js';
import { costInput } from './rig.js';

/** The statement name CostRepository.insertBatch traces under. */
const INSERT_NAME = 'api_costs.insert_batch';

export interface InsertCostOptions {
  /** A Db with one pooled connection, so every statement runs on the same warm connection. */
  db: Db;
  costs: CostRepository;
  /** Records inserted per batch size per round (warm-up excluded). */
  records: number;
  rounds: number;
  /** Records inserted per batch size before the first round, not measured (plans, caches, pool). */
  warmupRecords: number;
  /** The two flush sizes compared: one record per flush, and the audit's batch. */
  sizes: readonly [small: number, large: number];
}

export interface InsertCostRound {
  /** DB time per record (ms) with the small and the large batch in this round. */
  small: number;
  large: number;
  /** small / large: how many times cheaper a record is in the large batch. */
  ratio: number;
}

export interface InsertCost {
  rounds: InsertCostRound[];
  /** Statements run per batch size over all rounds. */
  statements: { small: number; large: number };
  /** Records per batch size over all rounds. */
  records: number;
  /** Per-record DB time over all rounds (ms). */
  small: number;
  large: number;
}

/**
 * DB time per cost record with flush batches of `small` and `large` records, through the engine's
 * own CostRepository.insertBatch (the statement a tracker flush sends). DB time is the statement
 * time the Db's tracer reports (send, server parse/plan/execute, result; without pool acquire),
 * summed over a round and divided by its records. The two sizes alternate which goes first each
 * round, so a drift in the machine's load does not favour one.
 */
export async function measureInsertCost(o: InsertCostOptions): Promise<InsertCost> {
  let spent = 0;
  let statements = 0;
  o.db.setTracer((t: QueryTrace) => {
    if (t.name !== INSERT_NAME || t.error !== undefined) return;
    spent += t.durationMs;
    statements += 1;
  });
  let seq = 0;
  const fresh = (n: number): ApiCostInput[] => Array.from({ length: n }, () => buildCostRecord(costInput('insert-cost', (seq += 1))));
  const run = async (size: number, n: number): Promise<{ ms: number; statements: number }> => {
    const records = fresh(n); // built before the clock starts: only the statements are timed
    spent = 0;
    statements = 0;
    for (let i = 0; i < records.length; i += size) await o.costs.insertBatch(records.slice(i, i + size));
    return { ms: spent, statements };
  };
  try {
    const [small, large] = o.sizes;
    for (const size of [small, large]) await run(size, o.warmupRecords);
    const rounds: InsertCostRound[] = [];
    const total = { small: 0, large: 0, statementsSmall: 0, statementsLarge: 0 };
    for (let r = 0; r < o.rounds; r++) {
      const order = r % 2 === 0 ? [small, large] : [large, small];
      const ms = new Map<number, number>();
      for (const size of order) {
        const x = await run(size, o.records);
        ms.set(size, x.ms);
        if (size === small) total.statementsSmall += x.statements;
        else total.statementsLarge += x.statements;
      }
      const s = (ms.get(small) ?? 0) / o.records;
      const l = (ms.get(large) ?? 0) / o.records;
      total.small += s;
      total.large += l;
      rounds.push({ small: s, large: l, ratio: s / Math.max(l, 1e-9) });
    }
    return {
      rounds,
      statements: { small: total.statementsSmall, large: total.statementsLarge },
      records: o.records * o.rounds,
      small: total.small / Math.max(1, o.rounds),
      large: total.large / Math.max(1, o.rounds),
    };
  } finally {
    o.db.setTracer(undefined);
  }
}
