import { NULL, money, ts } from '../format.js';
import { uuidFor } from '../ids.js';
import { sessionPlans } from '../plan.js';
import { KIND } from '../prng.js';
import { forEachCall, type Call } from './calls.js';
import type { TableSpec } from './spec.js';

const FEATURE = 'meeting';

/** api_costs: one row per replayed call (calls.ts), ids 1..N, request ids derived from the id. */
export const apiCosts: TableSpec = {
  table: 'api_costs',
  columns: [
    'id',
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
    'contribution_id',
    'feature',
    'cost_category',
  ],
  *rows(ctx) {
    let id = 0;
    let contributionBase = 0;
    const out: string[] = [];
    for (const s of sessionPlans(ctx)) {
      const prefix = `\t${s.id}\t${s.userId}\t`;
      const base = contributionBase;
      forEachCall(ctx, s, (c: Call) => {
        const rid = uuidFor(ctx.seed, KIND.requestId, ++id);
        const hit = c.cacheRead > 0;
        let row = `${id}\t${rid}\t${ts(c.createdMs)}${prefix}${c.provider}\t${c.model}\t${c.operation}\t${c.node}\t${c.phase}\t${c.persona ?? NULL}\t${c.round ?? NULL}\t${c.subProblem}\t`;
        row += `${c.inputTokens}\t${c.outputTokens}\t${c.cacheCreation}\t${c.cacheRead}\t${hit ? 't' : 'f'}\t${money(c.inputU, 8)}\t${money(c.outputU, 8)}\t${money(c.writeU, 8)}\t${money(c.readU, 8)}\t${money(c.totalU, 8)}\t`;
        row += `${hit ? 'prompt_cache' : NULL}\t${money(c.withoutU, 8)}\t${c.latencyMs}\t${c.failed ? 'retry' : 'success'}\t${c.failed ? 'overloaded_error (529), retried' : NULL}\t`;
        row += `{"request_id": "${rid}", "prompt_name": "${c.node}", "prompt_type": "${c.kind}"}\t${c.contribution === 0 ? NULL : base + c.contribution}\t${FEATURE}\tuser\n`;
        out.push(row);
      });
      contributionBase += s.personas.length * s.rounds;
      // A session's rows (≤ ~60) are buffered only until its calls have been replayed.
      yield* out;
      out.length = 0;
    }
  },
};

/**
 * contributions: one per (round, persona), ids 1..N in session order (api_costs.contribution_id
 * points at them), created_at and cost taken from the call that produced them.
 */
export const contributions: TableSpec = {
  table: 'contributions',
  columns: [
    'id',
    'session_id',
    'persona_code',
    'content',
    'round_number',
    'phase',
    'cost',
    'tokens',
    'model',
    'user_id',
    'created_at',
    'status',
  ],
  *rows(ctx) {
    const p = ctx.pools;
    let id = 0;
    const out: string[] = [];
    for (const s of sessionPlans(ctx)) {
      forEachCall(ctx, s, (c: Call) => {
        if (c.kind !== 'contribution') return;
        const content = p.paragraphs[(s.k * 31 + c.contribution * 7) % p.paragraphs.length] as string;
        out.push(
          `${++id}\t${s.id}\t${c.persona as string}\t${content}\t${c.round as number}\t${c.phase}\t${money(c.totalU, 4)}\t${c.inputTokens + c.outputTokens}\t${c.model}\t${s.userId}\t${ts(c.createdMs)}\tcommitted\n`,
        );
      });
      yield* out;
      out.length = 0;
    }
  },
};
