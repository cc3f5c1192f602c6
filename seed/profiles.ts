import { ENGINE_ERRORS, LoadlabError } from '../engine/errors/index.js';

/**
 * How much to generate. Only the parent sizes are set here; every child table follows from the
 * per-session shape (≈50 events, ≈35 cost rows, 3-5 experts × 2-5 rounds of contributions...).
 */
export interface SeedProfile {
  readonly name: string;
  readonly users: number;
  readonly sessions: number;
  readonly researchRows: number;
}

/**
 * `ci` is the smallest size where every audited table holds ≥10,000 rows: session_tasks exist
 * only for completed sessions (~93 %), so sessions carry a margin above 10K.
 */
export const SEED_PROFILES = {
  ci: { name: 'ci', users: 10_000, sessions: 11_000, researchRows: 10_500 },
  default: { name: 'default', users: 100_000, sessions: 110_000, researchRows: 105_000 },
  large: { name: 'large', users: 1_000_000, sessions: 1_100_000, researchRows: 1_050_000 },
} as const satisfies Record<string, SeedProfile>;

export type SeedProfileName = keyof typeof SEED_PROFILES;

export const SEED_PROFILE_NAMES = Object.keys(SEED_PROFILES) as SeedProfileName[];

/** Resolves a profile name; unknown names are a usage error listing the valid ones. */
export function resolveProfile(profile: string | SeedProfile): SeedProfile {
  if (typeof profile !== 'string') return validateCustom(profile);
  const found = (SEED_PROFILES as Record<string, SeedProfile>)[profile];
  if (found === undefined) {
    throw new LoadlabError(ENGINE_ERRORS.SEED_PROFILE_UNKNOWN, `unknown seed profile "${profile}"`, {
      hint: `use one of: ${SEED_PROFILE_NAMES.join(', ')}`,
    });
  }
  return found;
}

function validateCustom(p: SeedProfile): SeedProfile {
  const bad = (['users', 'sessions', 'researchRows'] as const).filter((k) => !Number.isInteger(p[k]) || p[k] < 1);
  if (bad.length > 0) {
    throw new LoadlabError(
      ENGINE_ERRORS.SEED_PROFILE_UNKNOWN,
      `invalid seed profile "${p.name}": ${bad.join(', ')} must be positive integers`,
    );
  }
  return p;
}
