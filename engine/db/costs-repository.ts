import type { Queryable } from './db.js';

/** One api_costs row as the CostTracker produces it (§1.5); request_id + created_at are the idempotency key. */
export interface ApiCostInput {
  requestId: string;
  createdAt: Date;
  sessionId: string | null;
  userId: string | null;
  provider: string;
  modelName: string | null;
  operationType: string;
  nodeName: string | null;
  phase: string | null;
  personaName: string | null;
  roundNumber: number | null;
  subProblemIndex: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cacheHit: boolean;
  inputCost: number;
  outputCost: number;
  cacheWriteCost: number;
  cacheReadCost: number;
  totalCost: number;
  optimizationType: string | null;
  costWithoutOptimization: number | null;
  latencyMs: number | null;
  status: string;
  errorMessage: string | null;
  metadata: Record<string, unknown>;
  feature: string | null;
  costCategory: string;
}

/** §2.4 result (numbers already parsed). */
export interface SessionCosts {
  totalCalls: number;
  totalCost: number;
  anthropicCost: number;
  voyageCost: number;
  braveCost: number;
  tavilyCost: number;
  totalTokens: number;
  totalSaved: number;
  cacheHitRate: number;
  promptCacheHitRate: number;
}

/** §2.5 row; subProblemIndex null is bo1's "Overhead". */
export interface SubproblemCosts {
  subProblemIndex: number | null;
  calls: number;
  totalCost: number;
  totalTokens: number;
  byProvider: { anthropic: number; voyage: number; brave: number; tavily: number };
  byPhase: { decomposition: number; deliberation: number; synthesis: number };
}

const COLUMNS = [
  'request_id',
  'created_at',
  'session_id',
  'user_id',
  'provider',
  'model_name',
  'operation_type',
  'node_name',
  'phase',
  'persona_name',
  'round_number',
  'sub_problem_index',
  'input_tokens',
  'output_tokens',
  'cache_creation_tokens',
  'cache_read_tokens',
  'cache_hit',
  'input_cost',
  'output_cost',
  'cache_write_cost',
  'cache_read_cost',
  'total_cost',
  'optimization_type',
  'cost_without_optimization',
  'latency_ms',
  'status',
  'error_message',
  'metadata',
  'feature',
  'cost_category',
] as const;

function values(r: ApiCostInput): unknown[] {
  return [
    r.requestId,
    r.createdAt,
    r.sessionId,
    r.userId,
    r.provider,
    r.modelName,
    r.operationType,
    r.nodeName,
    r.phase,
    r.personaName,
    r.roundNumber,
    r.subProblemIndex,
    r.inputTokens,
    r.outputTokens,
    r.cacheCreationTokens,
    r.cacheReadTokens,
    r.cacheHit,
    r.inputCost,
    r.outputCost,
    r.cacheWriteCost,
    r.cacheReadCost,
    r.totalCost,
    r.optimizationType,
    r.costWithoutOptimization,
    r.latencyMs,
    r.status,
    r.errorMessage,
    JSON.stringify(r.metadata),
    r.feature,
    r.costCategory,
  ];
}

const TYPES = [
  'uuid',
  'timestamptz',
  'varchar',
  'varchar',
  'varchar',
  'varchar',
  'varchar',
  'varchar',
  'varchar',
  'varchar',
  'int',
  'int',
  'int',
  'int',
  'int',
  'int',
  'bool',
  'numeric',
  'numeric',
  'numeric',
  'numeric',
  'numeric',
  'varchar',
  'numeric',
  'int',
  'varchar',
  'text',
  'jsonb',
  'varchar',
  'varchar',
] as const;

/**
 * The flush in one statement (one round trip, atomic without BEGIN/COMMIT): insert with ON
 * CONFLICT DO NOTHING, then add only the rows actually inserted to daily_user_feature_costs, so a
 * replay is counted in neither table.
 */
const INSERT_BATCH = `WITH ins AS (
  INSERT INTO api_costs (${COLUMNS.join(', ')})
  SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
  ON CONFLICT (request_id, created_at) DO NOTHING
  RETURNING request_id, user_id, feature, created_at, total_cost
),
daily AS (
  INSERT INTO daily_user_feature_costs (user_id, feature, date, total_cost, request_count)
  SELECT user_id, feature, (created_at AT TIME ZONE 'UTC')::date, sum(total_cost), count(*)::int
  FROM ins WHERE user_id IS NOT NULL AND feature IS NOT NULL
  GROUP BY user_id, feature, (created_at AT TIME ZONE 'UTC')::date
  ORDER BY 1, 2, 3
  ON CONFLICT (user_id, feature, date) DO UPDATE SET total_cost = daily_user_feature_costs.total_cost + EXCLUDED.total_cost,
    request_count = daily_user_feature_costs.request_count + EXCLUDED.request_count, updated_at = now()
)
SELECT request_id FROM ins`;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** api_costs writes (§2.6 flush) and the two cost reads (§2.4, §2.5). */
export class CostRepository {
  constructor(
    private readonly db: Queryable & { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
    private readonly windowDays = 30,
  ) {}

  /**
   * Inserts a batch with ON CONFLICT (request_id, created_at) DO NOTHING and, in the same
   * transaction, adds the newly inserted rows to daily_user_feature_costs. Returns the request
   * ids actually inserted (RETURNING), so replays are neither double counted here nor in the daily table.
   */
  async insertBatch(records: readonly ApiCostInput[]): Promise<string[]> {
    if (records.length === 0) return [];
    // One array per column: a fixed statement text whatever the batch size, instead of 30 x n
    // placeholders that PostgreSQL parses and plans afresh for every batch.
    const columns = COLUMNS.map(() => new Array<unknown>(records.length));
    records.forEach((r, i) =>
      values(r).forEach((v, c) => {
        (columns[c] as unknown[])[i] = v;
      }),
    );
    const r = await this.db.query<{ request_id: string }>(INSERT_BATCH, columns, { name: 'api_costs.insert_batch' });
    return r.rows.map((x) => x.request_id);
  }

  /** §2.4 exact shape (caching is the caller's: see engine/cache AggregationCache). */
  async getSessionCosts(sessionId: string): Promise<SessionCosts> {
    const r = await this.db.query(
      `SELECT COUNT(*) AS total_calls, SUM(total_cost) AS total_cost,
  SUM(CASE WHEN provider = 'anthropic' THEN total_cost ELSE 0 END) AS anthropic_cost,
  SUM(CASE WHEN provider = 'voyage' THEN total_cost ELSE 0 END) AS voyage_cost,
  SUM(CASE WHEN provider = 'brave' THEN total_cost ELSE 0 END) AS brave_cost,
  SUM(CASE WHEN provider = 'tavily' THEN total_cost ELSE 0 END) AS tavily_cost,
  SUM(total_tokens) AS total_tokens,
  SUM(COALESCE(cost_without_optimization, total_cost) - total_cost) AS total_saved,
  AVG(CASE WHEN cache_hit THEN 1 ELSE 0 END) AS cache_hit_rate,
  SUM(CASE WHEN provider = 'anthropic' THEN cache_read_tokens ELSE 0 END) AS cache_read,
  SUM(CASE WHEN provider = 'anthropic' THEN cache_read_tokens + cache_creation_tokens + input_tokens ELSE 0 END) AS prompt_total
FROM api_costs WHERE session_id = $1 AND created_at >= NOW() - INTERVAL '${this.windowDays} days'`,
      [sessionId],
      { name: 'api_costs.get_session_costs' },
    );
    const row = r.rows[0] ?? {};
    const promptTotal = num(row.prompt_total);
    return {
      totalCalls: num(row.total_calls),
      totalCost: num(row.total_cost),
      anthropicCost: num(row.anthropic_cost),
      voyageCost: num(row.voyage_cost),
      braveCost: num(row.brave_cost),
      tavilyCost: num(row.tavily_cost),
      totalTokens: num(row.total_tokens),
      totalSaved: num(row.total_saved),
      cacheHitRate: num(row.cache_hit_rate),
      promptCacheHitRate: promptTotal > 0 ? num(row.cache_read) / promptTotal : 0,
    };
  }

  /** §2.5 exact shape, NULLS FIRST (the overhead bucket). */
  async getSubproblemCosts(sessionId: string): Promise<SubproblemCosts[]> {
    const r = await this.db.query(
      `SELECT sub_problem_index, COUNT(*) AS calls, SUM(total_cost) AS total_cost, SUM(total_tokens) AS total_tokens,
  SUM(CASE WHEN provider = 'anthropic' THEN total_cost ELSE 0 END) AS anthropic,
  SUM(CASE WHEN provider = 'voyage' THEN total_cost ELSE 0 END) AS voyage,
  SUM(CASE WHEN provider = 'brave' THEN total_cost ELSE 0 END) AS brave,
  SUM(CASE WHEN provider = 'tavily' THEN total_cost ELSE 0 END) AS tavily,
  SUM(CASE WHEN phase = 'decomposition' THEN total_cost ELSE 0 END) AS decomposition,
  SUM(CASE WHEN phase = 'deliberation' THEN total_cost ELSE 0 END) AS deliberation,
  SUM(CASE WHEN phase = 'synthesis' THEN total_cost ELSE 0 END) AS synthesis
FROM api_costs WHERE session_id = $1 AND created_at >= NOW() - INTERVAL '${this.windowDays} days'
GROUP BY sub_problem_index ORDER BY sub_problem_index NULLS FIRST`,
      [sessionId],
      { name: 'api_costs.get_subproblem_costs' },
    );
    return r.rows.map((row) => ({
      subProblemIndex: row.sub_problem_index === null ? null : Number(row.sub_problem_index),
      calls: num(row.calls),
      totalCost: num(row.total_cost),
      totalTokens: num(row.total_tokens),
      byProvider: { anthropic: num(row.anthropic), voyage: num(row.voyage), brave: num(row.brave), tavily: num(row.tavily) },
      byPhase: { decomposition: num(row.decomposition), deliberation: num(row.deliberation), synthesis: num(row.synthesis) },
    }));
  }
}
