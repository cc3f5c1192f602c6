import { NULL, isoDate, ts } from '../format.js';
import { actionId, sessionPlans, tagCount, tagId } from '../plan.js';
import { KIND, rngFrom } from '../prng.js';
import type { TableSpec } from './spec.js';

const DAY = 86_400_000;
const STATUSES = ['todo', 'todo', 'todo', 'in_progress', 'in_progress', 'done', 'done', 'in_review', 'cancelled', 'blocked'] as const;
/** 0-4 tags per action, most with one or two. */
const TAG_COUNTS = [0, 1, 1, 1, 2, 2, 2, 3, 3, 4] as const;

/**
 * One action per extracted task (so task_count equals both the session's total_tasks and its
 * count of top-level actions, the two meanings bo1 ended up with), created when the session ends.
 */
export const actions: TableSpec = {
  table: 'actions',
  columns: [
    'id',
    'user_id',
    'source_session_id',
    'title',
    'description',
    'what_and_how',
    'success_criteria',
    'status',
    'priority',
    'category',
    'estimated_duration_days',
    'estimated_start_date',
    'estimated_end_date',
    'blocking_reason',
    'blocked_at',
    'confidence',
    'source_section',
    'sub_problem_index',
    'sort_order',
    'created_at',
    'updated_at',
  ],
  *rows(ctx) {
    const p = ctx.pools;
    for (const s of sessionPlans(ctx)) {
      for (let i = 0; i < s.tasks; i++) {
        const r = rngFrom(ctx.seed, KIND.actions, s.k * 8 + i);
        const status = r.pick(STATUSES);
        const blocked = status === 'blocked';
        const created = s.endMs + 1_000 * (i + 1);
        const days = r.int(1, 30);
        const start = created + r.int(0, 14) * DAY;
        yield (
          `${actionId(ctx.seed, s.k, i)}\t${s.userId}\t${s.id}\t${r.pick(p.actionTitles)}\t${r.pick(p.paragraphs)}\t{"${r.pick(p.actionTitles)}","${r.pick(p.actionTitles)}"}\t{"${r.pick(p.actionTitles)}"}\t${status}\t${r.pick(['high', 'medium', 'medium', 'low'])}\t${r.pick(['implementation', 'research', 'decision', 'communication'])}\t` +
          `${days}\t${isoDate(start)}\t${isoDate(start + days * DAY)}\t${blocked ? 'waiting on a third party' : NULL}\t${blocked ? ts(created + DAY) : NULL}\t0.${r.int(40, 99)}\t` +
          `recommendations\t${i % s.subProblems}\t${i}\t${ts(created)}\t${ts(created)}\n`
        );
      }
    }
  },
};

/** 0-4 distinct tags per action, drawn from the action owner's own tags. */
export const actionTags: TableSpec = {
  table: 'action_tags',
  columns: ['action_id', 'tag_id', 'created_at'],
  *rows(ctx) {
    for (const s of sessionPlans(ctx)) {
      const owned = tagCount(ctx, s.u);
      for (let i = 0; i < s.tasks; i++) {
        const r = rngFrom(ctx.seed, KIND.actionTags, s.k * 8 + i);
        const n = Math.min(r.pick(TAG_COUNTS), owned);
        const first = r.int(0, owned - 1);
        const aid = actionId(ctx.seed, s.k, i);
        const at = ts(s.endMs + 1_000 * (i + 1) + 60_000);
        // Consecutive tag indexes (mod owned) are distinct, so the primary key holds.
        for (let j = 0; j < n; j++) yield `${aid}\t${tagId(ctx.seed, s.u, (first + j) % owned)}\t${at}\n`;
      }
    }
  },
};
