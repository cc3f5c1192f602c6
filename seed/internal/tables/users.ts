import { seededApiToken, tokenSha256 } from '../../tokens.js';
import { NULL, ts } from '../format.js';
import { uuidFor } from '../ids.js';
import { tagCount, tagId, userId, type SeedContext } from '../plan.js';
import { INDUSTRIES, TAG_COLORS, TAG_NAMES } from '../pools.js';
import { KIND, rngFrom } from '../prng.js';
import type { TableSpec } from './spec.js';

const DAY = 86_400_000;
const TIERS = ['free', 'free', 'free', 'starter', 'pro', 'pro', 'enterprise'] as const;
const STAGES = ['idea', 'pre_revenue', 'early', 'growth', 'scale'] as const;
const TEAM = ['1', '2-5', '6-20', '21-100', '100+'] as const;

/** Users sign up before the sampling window opens (so before any of their sessions). */
function userCreatedMs(ctx: SeedContext, u: number): number {
  return ctx.timeline.startMs - DAY - Math.floor(rngFrom(ctx.seed, KIND.user, u).next() * 180 * DAY);
}

export const users: TableSpec = {
  table: 'users',
  columns: [
    'id',
    'email',
    'auth_provider',
    'subscription_tier',
    'is_admin',
    'data_retention_days',
    'skip_clarification',
    'meeting_credits',
    'preferred_currency',
    'created_at',
    'updated_at',
  ],
  *rows(ctx) {
    const p = ctx.pools;
    for (let u = 0; u < ctx.profile.users; u++) {
      const r = rngFrom(ctx.seed, KIND.user, u, 1);
      const created = ts(userCreatedMs(ctx, u));
      // The index keeps e-mails unique whatever the pool draws.
      const email = `${r.pick(p.emailNames)}.${u}@example.com`;
      yield `${userId(ctx.seed, u)}\t${email}\t${r.chance(0.7) ? 'google' : 'email'}\t${r.pick(TIERS)}\t${u === 1 ? 't' : 'f'}\t${r.pick([730, 730, 365, 1095, -1])}\t${r.chance(0.2) ? 't' : 'f'}\t${r.int(0, 20)}\t${r.pick(['GBP', 'USD', 'EUR'])}\t${created}\t${created}\n`;
    }
  },
};

export const userContext: TableSpec = {
  table: 'user_context',
  columns: [
    'id',
    'user_id',
    'business_model',
    'target_market',
    'product_description',
    'revenue',
    'customers',
    'growth_rate',
    'company_name',
    'business_stage',
    'primary_objective',
    'industry',
    'team_size',
    'clarifications',
    'created_at',
    'updated_at',
  ],
  *rows(ctx) {
    const p = ctx.pools;
    for (let u = 0; u < ctx.profile.users; u++) {
      const r = rngFrom(ctx.seed, KIND.userContext, u);
      const created = ts(userCreatedMs(ctx, u) + 60_000);
      const clar = r.chance(0.3) ? `{"q1": {"question": ${r.pick(p.questionsJson)}, "answer": ${r.pick(p.summariesJson)}}}` : '{}';
      yield `${uuidFor(ctx.seed, KIND.userContext, u)}\t${userId(ctx.seed, u)}\t${r.pick(['b2b', 'b2c', 'marketplace', 'subscription'])}\t${r.pick(p.markets)}\t${r.pick(p.sentences)}\t${r.pick(['<10k', '10k-100k', '100k-1m', '1m+'])}\t${r.int(0, 5_000)}\t${r.int(-10, 60)}%\t${r.pick(p.companies)}\t${r.pick(STAGES)}\t${r.pick(p.sentences)}\t${r.pick(INDUSTRIES)}\t${r.pick(TEAM)}\t${clar}\t${created}\t${created}\n`;
    }
  },
};

export const apiTokens: TableSpec = {
  table: 'api_tokens',
  columns: ['token_sha256', 'user_id', 'label', 'created_at'],
  *rows(ctx) {
    for (let u = 0; u < ctx.profile.users; u++) {
      const uid = userId(ctx.seed, u);
      yield `${tokenSha256(seededApiToken(ctx.seed, uid))}\t${uid}\tseed\t${ts(userCreatedMs(ctx, u))}\n`;
    }
  },
};

export const tags: TableSpec = {
  table: 'tags',
  columns: ['id', 'user_id', 'name', 'color', 'created_at', 'updated_at'],
  *rows(ctx) {
    for (let u = 0; u < ctx.profile.users; u++) {
      const n = tagCount(ctx, u);
      if (n === 0) continue;
      const uid = userId(ctx.seed, u);
      const r = rngFrom(ctx.seed, KIND.tag, u);
      // Consecutive names from a random start are distinct (n < TAG_NAMES.length): UNIQUE (user_id, name).
      const start = r.int(0, TAG_NAMES.length - 1);
      const created = ts(userCreatedMs(ctx, u) + 3_600_000);
      for (let i = 0; i < n; i++) {
        yield `${tagId(ctx.seed, u, i)}\t${uid}\t${TAG_NAMES[(start + i) % TAG_NAMES.length] as string}\t${r.pick(TAG_COLORS)}\t${created}\t${created}\n`;
      }
    }
  },
};

export const researchCache: TableSpec = {
  table: 'research_cache',
  columns: [
    'id',
    'question',
    'answer_summary',
    'confidence',
    'sources',
    'category',
    'industry',
    'research_date',
    'access_count',
    'last_accessed_at',
    'tokens_used',
    'research_cost_usd',
    'user_id',
    'is_shareable',
  ],
  *rows(ctx) {
    const p = ctx.pools;
    const { startMs, endMs } = ctx.timeline;
    for (let i = 0; i < ctx.profile.researchRows; i++) {
      const r = rngFrom(ctx.seed, KIND.research, i);
      const date = startMs + Math.floor(r.next() * (endMs - startMs));
      const owner = r.chance(0.8) ? userId(ctx.seed, Math.floor(r.next() * ctx.profile.users)) : NULL;
      const tokens = r.int(500, 6_000);
      // Question text is the pool entry plus the row number: the cache is keyed by question.
      const question = `${r.pick(p.questions)} (${i})`;
      yield `${uuidFor(ctx.seed, KIND.research, i)}\t${question}\t${r.pick(p.paragraphs)}\t${r.pick(['high', 'medium', 'low'])}\t[{"url": ${r.pick(p.urlsJson)}}, {"url": ${r.pick(p.urlsJson)}}]\t${r.pick(['market', 'competitor', 'pricing', 'regulation', 'trend'])}\t${r.pick(INDUSTRIES)}\t${ts(date)}\t${r.int(1, 40)}\t${ts(date + r.int(0, 30) * DAY)}\t${tokens}\t${(tokens * 0.000003).toFixed(6)}\t${owner}\t${r.chance(0.9) ? 't' : 'f'}\n`;
    }
  },
};
