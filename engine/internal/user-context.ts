import type { ReadThroughCache } from '../cache/index.js';
import type { UserContextRow, UserRepository } from '../db/index.js';

/** The text columns of user_context the deliberation's context collection passes on (§1.8, §4.2). */
const CONTEXT_FIELDS = [
  'company_name',
  'industry',
  'business_model',
  'business_stage',
  'target_market',
  'product_description',
  'primary_objective',
  'revenue',
  'customers',
  'growth_rate',
  'team_size',
  'competitors',
] as const;

export type UserContextFields = Parameters<UserRepository['saveContext']>[1];

/**
 * A user's business context through bo1's read-through UserContextCache (`user_context:{user}`,
 * 300 s, §3 / §8.1): read by the deliberation's context collection (§4.2) and GET /api/v1/context,
 * dropped from the cache on every save so no reader sees an overwritten context.
 */
export class UserContexts {
  constructor(
    private readonly users: UserRepository,
    private readonly cache: ReadThroughCache<UserContextRow>,
  ) {}

  get(userId: string): Promise<UserContextRow | undefined> {
    return this.cache.get(userId, () => this.users.getContext(userId));
  }

  async save(userId: string, fields: UserContextFields): Promise<void> {
    await this.users.saveContext(userId, fields);
    await this.cache.invalidate(userId);
  }

  /**
   * The context as prompt text, one `field: value` line per filled text column. Only text columns:
   * a cached row has been through JSON (timestamps become strings), and the same context must give
   * the same prompt whether it came from PostgreSQL or Redis.
   */
  async describe(userId: string): Promise<string | undefined> {
    const row = await this.get(userId);
    if (row === undefined) return undefined;
    const lines = CONTEXT_FIELDS.flatMap((f) => {
      const v = row[f];
      return typeof v === 'string' && v.trim() !== '' ? [`${f.replace(/_/g, ' ')}: ${v}`] : [];
    });
    return lines.length === 0 ? undefined : lines.join('\n');
  }
}
