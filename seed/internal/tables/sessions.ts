import { NULL, money, ts } from '../format.js';
import { uuidFor } from '../ids.js';
import { sessionPlans, type SeedContext, type SessionPlan } from '../plan.js';
import { KIND, rngFrom } from '../prng.js';
import { forEachCall } from './calls.js';
import type { TableSpec } from './spec.js';

const PHASE_BY_STATUS: Record<SessionPlan['status'], readonly string[]> = {
  completed: ['complete'],
  failed: ['discussion', 'convergence', 'synthesis', 'decomposition'],
  killed: ['discussion', 'exploration', 'challenge'],
  terminated: ['discussion', 'voting'],
  running: ['discussion', 'exploration', 'convergence', 'challenge'],
  paused: ['clarification_needed'],
};

const BASE_COLUMNS = [
  'id',
  'user_id',
  'problem_statement',
  'problem_context',
  'status',
  'phase',
  'total_cost',
  'total_tokens',
  'round_number',
  'created_at',
  'updated_at',
  'completed_at',
  'killed_at',
  'killed_by',
  'kill_reason',
  'synthesis_text',
  'final_recommendation',
  'expert_count',
  'contribution_count',
  'focus_area_count',
  'terminated_at',
  'termination_reason',
  'termination_type',
  'persona_count_variant',
  'total_sub_problems',
] as const;

/**
 * Sessions with counters that equal their rows: expert_count = persona_selected events,
 * contribution_count = contributions rows (= contribution events), focus_area_count =
 * subproblem_started events, total_cost = round(Σ api_costs.total_cost, 4), total_tokens =
 * Σ api_costs.total_tokens. task_count (when the column exists) is set here to the session's
 * total_tasks; session_tasks is then loaded with its per-row trigger disabled (see load.ts).
 */
export function sessionsSpec(ctx: SeedContext): TableSpec {
  return {
    table: 'sessions',
    columns: ctx.hasTaskCount ? [...BASE_COLUMNS, 'task_count'] : BASE_COLUMNS,
    *rows() {
      const p = ctx.pools;
      let costU = 0;
      let tokens = 0;
      const add = (c: { totalU: number; inputTokens: number; outputTokens: number }): void => {
        costU += c.totalU;
        tokens += c.inputTokens + c.outputTokens;
      };
      for (const s of sessionPlans(ctx)) {
        const r = rngFrom(ctx.seed, KIND.session, s.k, 1);
        costU = 0;
        tokens = 0;
        forEachCall(ctx, s, add);
        const end = ts(s.endMs);
        const done = s.status === 'completed';
        const killed = s.status === 'killed';
        const terminated = s.status === 'terminated';
        const experts = s.personas.length;
        const context = `{"industry": "${r.pick(['saas', 'retail', 'fintech', 'health'])}", "budget": ${r.int(1, 500) * 1000}}`;
        let row = `${s.id}\t${s.userId}\t${r.pick(p.problems)}\t${context}\t${s.status}\t${r.pick(PHASE_BY_STATUS[s.status])}\t${money(costU, 4)}\t${tokens}\t${s.rounds}\t${ts(s.createdMs)}\t${end}\t`;
        row += `${done ? end : NULL}\t${killed ? end : NULL}\t${killed ? s.userId : NULL}\t${killed ? 'user requested' : NULL}\t${done ? r.pick(p.paragraphs) : NULL}\t${done ? r.pick(p.sentences) : NULL}\t`;
        row += `${experts}\t${experts * s.rounds}\t${s.subProblems}\t${terminated ? end : NULL}\t${terminated ? 'user cancelled' : NULL}\t${terminated ? 'user_cancelled' : NULL}\t`;
        row += `${experts === 4 ? NULL : experts}\t${s.subProblems}`;
        yield ctx.hasTaskCount ? `${row}\t${s.tasks}\n` : `${row}\n`;
      }
    },
  };
}

/** One row per completed session (bo1 extracts tasks after synthesis); ids are 1..n in order. */
export const sessionTasks: TableSpec = {
  table: 'session_tasks',
  columns: [
    'id',
    'session_id',
    'tasks',
    'total_tasks',
    'extraction_confidence',
    'synthesis_sections_analyzed',
    'extracted_at',
    'sub_problem_index',
    'user_id',
    'task_statuses',
  ],
  *rows(ctx) {
    const p = ctx.pools;
    let id = 0;
    for (const s of sessionPlans(ctx)) {
      if (s.tasks === 0) continue;
      const r = rngFrom(ctx.seed, KIND.tasks, s.k);
      let tasks = '[';
      let statuses = '{';
      for (let i = 0; i < s.tasks; i++) {
        tasks += `${i === 0 ? '' : ', '}{"id": "task_${i + 1}", "title": "${r.pick(p.actionTitles)}", "priority": "${r.pick(['high', 'medium', 'low'])}"}`;
        statuses += `${i === 0 ? '' : ', '}"task_${i + 1}": "${r.pick(['todo', 'todo', 'in_progress', 'done'])}"`;
      }
      yield `${++id}\t${s.id}\t${tasks}]\t${s.tasks}\t0.${r.int(50, 99)}\t{recommendations,next_steps}\t${ts(s.endMs)}\t${NULL}\t${s.userId}\t${statuses}}\n`;
    }
  },
};

export const sessionClarifications: TableSpec = {
  table: 'session_clarifications',
  columns: ['id', 'session_id', 'question', 'asked_by_persona', 'priority', 'reason', 'answer', 'answered_at', 'created_at'],
  *rows(ctx) {
    const p = ctx.pools;
    for (const s of sessionPlans(ctx)) {
      const r = rngFrom(ctx.seed, KIND.clarifications, s.k);
      for (let i = 0; i < s.clarifications; i++) {
        // Asked early in the session, answered (most of the time) a little later, still inside it.
        const asked = s.createdMs + Math.floor((s.endMs - s.createdMs) * 0.1 * r.next());
        const answered = r.chance(0.75);
        yield `${uuidFor(ctx.seed, KIND.clarifications, s.k * 4 + i)}\t${s.id}\t${r.pick(p.questions)}\t${r.pick(s.personas)}\t${r.chance(0.3) ? 'CRITICAL' : 'NICE_TO_HAVE'}\t${r.pick(p.sentences)}\t${answered ? r.pick(p.sentences) : NULL}\t${answered ? ts(asked + r.int(10_000, 120_000)) : NULL}\t${ts(asked)}\n`;
      }
    }
  },
};
