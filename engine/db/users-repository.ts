import { createHash } from 'node:crypto';
import type { Queryable } from './db.js';

export interface UserRow {
  id: string;
  email: string;
  subscription_tier: string;
  is_admin: boolean;
  is_locked: boolean;
  deleted_at: Date | null;
}

/** user_context columns are many; callers get the row as a plain record. */
export type UserContextRow = Record<string, unknown> & { user_id: string };

/** SHA-256 hex of a bearer token, as stored in api_tokens.token_sha256. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Users, bearer-token lookup and user_context (§1.8). */
export class UserRepository {
  constructor(private readonly db: Queryable) {}

  async get(id: string): Promise<UserRow | undefined> {
    const r = await this.db.query<UserRow>(
      'SELECT id, email, subscription_tier, is_admin, is_locked, deleted_at FROM users WHERE id = $1',
      [id],
      { name: 'users.get' },
    );
    return r.rows[0];
  }

  /** Maps a bearer token to its (non-deleted) user, by sha256. */
  async getByToken(token: string): Promise<UserRow | undefined> {
    const r = await this.db.query<UserRow>(
      `SELECT u.id, u.email, u.subscription_tier, u.is_admin, u.is_locked, u.deleted_at
FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_sha256 = $1 AND u.deleted_at IS NULL`,
      [hashToken(token)],
      { name: 'users.get_by_token' },
    );
    return r.rows[0];
  }

  async create(user: { id: string; email: string; isAdmin?: boolean; tier?: string }): Promise<void> {
    await this.db.query(
      // No conflict target: two concurrent inserts of the same user can collide on the email index
      // first, which `ON CONFLICT (id)` would turn into a unique-violation error.
      'INSERT INTO users (id, email, is_admin, subscription_tier) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [user.id, user.email, user.isAdmin ?? false, user.tier ?? 'free'],
      { name: 'users.create' },
    );
  }

  async addToken(userId: string, token: string, label = 'default'): Promise<void> {
    await this.db.query(
      'INSERT INTO api_tokens (token_sha256, user_id, label) VALUES ($1, $2, $3) ON CONFLICT (token_sha256) DO NOTHING',
      [hashToken(token), userId, label],
      { name: 'api_tokens.insert' },
    );
  }

  async getContext(userId: string): Promise<UserContextRow | undefined> {
    const r = await this.db.query<UserContextRow>('SELECT * FROM user_context WHERE user_id = $1', [userId], { name: 'user_context.get' });
    return r.rows[0];
  }

  /** Upserts a few text fields of user_context (the cache invalidates on save). */
  async saveContext(
    userId: string,
    fields: { businessModel?: string; targetMarket?: string; industry?: string; companyName?: string },
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO user_context (user_id, business_model, target_market, industry, company_name) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (user_id) DO UPDATE SET business_model = COALESCE(EXCLUDED.business_model, user_context.business_model),
  target_market = COALESCE(EXCLUDED.target_market, user_context.target_market), industry = COALESCE(EXCLUDED.industry, user_context.industry),
  company_name = COALESCE(EXCLUDED.company_name, user_context.company_name), updated_at = now()`,
      [userId, fields.businessModel ?? null, fields.targetMarket ?? null, fields.industry ?? null, fields.companyName ?? null],
      { name: 'user_context.upsert' },
    );
  }
}
