import type { ContributionSaveShape } from '../config/index.js';
import type { Db, Queryable } from './db.js';

export interface ContributionInput {
  sessionId: string;
  personaCode: string;
  /** Display name used if the persona has to be created as dynamic. */
  personaName?: string;
  content: string;
  roundNumber: number;
  phase: string;
  cost: number;
  tokens: number;
  model: string;
  /** When absent it is looked up from sessions (audited: a separate round trip). */
  userId?: string;
  status?: 'in_flight' | 'committed' | 'rolled_back';
  createdAt?: Date;
}

export interface SavedContribution {
  id: number;
  created_at: Date;
}

/**
 * Contribution save (§2.6). `three_trips` reproduces bo1: SELECT user_id (when not passed), then
 * SELECT code FROM personas (+ INSERT of a dynamic persona when missing) on one checkout, then the
 * INSERT … RETURNING on a second checkout. `single` does all of it in one statement.
 */
export class ContributionRepository {
  constructor(
    private readonly db: Db,
    private readonly shape: ContributionSaveShape = 'single',
  ) {}

  async save(c: ContributionInput): Promise<SavedContribution> {
    return this.shape === 'three_trips' ? this.saveThreeTrips(c) : this.saveSingle(c);
  }

  async countBySession(sessionId: string): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM contributions WHERE session_id = $1', [sessionId], {
      name: 'contributions.count',
    });
    return r.rows[0]?.n ?? 0;
  }

  private async saveThreeTrips(c: ContributionInput): Promise<SavedContribution> {
    const userId = await this.db.transaction(async (tx) => {
      let uid = c.userId;
      if (uid === undefined) {
        const r = await tx.query<{ user_id: string }>('SELECT user_id FROM sessions WHERE id = $1', [c.sessionId], {
          name: 'contributions.lookup_user',
        });
        uid = r.rows[0]?.user_id;
      }
      const p = await tx.query('SELECT code FROM personas WHERE code = $1', [c.personaCode], { name: 'contributions.lookup_persona' });
      if (p.rowCount === 0) {
        await tx.query(
          'INSERT INTO personas (code, name, is_dynamic) VALUES ($1, $2, true) ON CONFLICT (code) DO NOTHING',
          [c.personaCode, c.personaName ?? c.personaCode],
          { name: 'contributions.insert_dynamic_persona' },
        );
      }
      return uid;
    });
    return this.insert(this.db, c, userId ?? null);
  }

  private async saveSingle(c: ContributionInput): Promise<SavedContribution> {
    const r = await this.db.query<SavedContribution>(
      `WITH dyn AS (
  INSERT INTO personas (code, name, is_dynamic) VALUES ($2::varchar, $11, true) ON CONFLICT (code) DO NOTHING
)
INSERT INTO contributions (session_id, persona_code, content, round_number, phase, cost, tokens, model, user_id, status, created_at)
VALUES ($1::varchar, $2::varchar, $3, $4, $5, $6, $7, $8, COALESCE($9::varchar, (SELECT user_id FROM sessions WHERE id = $1::varchar)), $10, COALESCE($12::timestamptz, now()))
RETURNING id, created_at`,
      [
        c.sessionId,
        c.personaCode,
        c.content,
        c.roundNumber,
        c.phase,
        c.cost,
        c.tokens,
        c.model,
        c.userId ?? null,
        c.status ?? 'committed',
        c.personaName ?? c.personaCode,
        c.createdAt ?? null,
      ],
      { name: 'contributions.save_single' },
    );
    return r.rows[0] as SavedContribution;
  }

  private async insert(q: Queryable, c: ContributionInput, userId: string | null): Promise<SavedContribution> {
    const r = await q.query<SavedContribution>(
      `INSERT INTO contributions (session_id, persona_code, content, round_number, phase, cost, tokens, model, user_id, status, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE($11, now())) RETURNING id, created_at`,
      [
        c.sessionId,
        c.personaCode,
        c.content,
        c.roundNumber,
        c.phase,
        c.cost,
        c.tokens,
        c.model,
        userId,
        c.status ?? 'committed',
        c.createdAt ?? null,
      ],
      { name: 'contributions.insert' },
    );
    return r.rows[0] as SavedContribution;
  }
}
