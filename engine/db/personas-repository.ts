import type { Queryable } from './db.js';

export interface PersonaInput {
  code: string;
  name: string;
  expertise?: string;
  systemPrompt?: string;
  isDynamic?: boolean;
}

export interface PersonaRow {
  id: number;
  code: string;
  name: string;
  expertise: string;
  system_prompt: string;
  is_dynamic: boolean;
}

/** personas catalogue (§1.6): bo1 seeds ~46 at startup. */
export class PersonaRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts or updates personas by code in one statement; returns how many rows were written. */
  async upsert(personas: readonly PersonaInput[]): Promise<number> {
    if (personas.length === 0) return 0;
    const r = await this.db.query(
      `INSERT INTO personas (code, name, expertise, system_prompt, is_dynamic)
SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::text[], $5::bool[])
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, expertise = EXCLUDED.expertise,
  system_prompt = EXCLUDED.system_prompt, is_dynamic = EXCLUDED.is_dynamic`,
      [
        personas.map((p) => p.code),
        personas.map((p) => p.name),
        personas.map((p) => p.expertise ?? ''),
        personas.map((p) => p.systemPrompt ?? ''),
        personas.map((p) => p.isDynamic ?? false),
      ],
      { name: 'personas.upsert' },
    );
    return r.rowCount ?? 0;
  }

  async list(): Promise<PersonaRow[]> {
    const r = await this.db.query<PersonaRow>(
      'SELECT id, code, name, expertise, system_prompt, is_dynamic FROM personas ORDER BY code',
      [],
      { name: 'personas.list' },
    );
    return r.rows;
  }

  async getByCode(code: string): Promise<PersonaRow | undefined> {
    const r = await this.db.query<PersonaRow>(
      'SELECT id, code, name, expertise, system_prompt, is_dynamic FROM personas WHERE code = $1',
      [code],
      { name: 'personas.get' },
    );
    return r.rows[0];
  }
}
