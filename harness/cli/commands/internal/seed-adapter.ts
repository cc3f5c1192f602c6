import { LoadlabError } from '../../../../engine/errors/index.js';
import { resolveProfile, seedDatabase, SEED_PROFILE_NAMES, type SeedProfile, type SeedProgress } from '../../../../seed/index.js';
import { HARNESS_ERRORS } from '../../../errors/index.js';
import type { Profile } from '../../../result/index.js';
import type { SeedFn } from '../../../runner/index.js';

/** Run profile -> data size: `full` audits run on the `large` data set. */
const DATA_FOR_PROFILE: Record<Profile, string> = { ci: 'ci', default: 'default', full: 'large' };

/**
 * `tiny`: a few hundred sessions with the same shape (Zipf users, a heavy user, events and costs
 * per session), for smoke runs and tests where the 1.2M rows of `ci` would dominate the run.
 */
const TINY: SeedProfile = { name: 'tiny', users: 60, sessions: 600, researchRows: 200 };

export const DATA_SIZES = ['tiny', ...SEED_PROFILE_NAMES] as const;

const PROFILES = Object.keys(DATA_FOR_PROFILE) as Profile[];

/** A run profile name (ci, default, full); anything else is a usage error listing them. */
export function parseProfileName(value: string): Profile {
  if (!(PROFILES as string[]).includes(value)) {
    throw new LoadlabError(HARNESS_ERRORS.PROFILE_UNKNOWN, `unknown profile "${value}"`, {
      hint: `use one of: ${PROFILES.join(', ')} (or --data ${DATA_SIZES.join('|')} for a data size)`,
    });
  }
  return value as Profile;
}

/** The seed profile a run seeds: `--data` when given, else the run profile's data size. */
export function seedProfileFor(data: string | undefined, profile: Profile): SeedProfile {
  const size = data ?? DATA_FOR_PROFILE[profile];
  return size === 'tiny' ? TINY : resolveProfile(size);
}

export function parseDataSize(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!(DATA_SIZES as readonly string[]).includes(value)) {
    throw new LoadlabError(HARNESS_ERRORS.USAGE, `unknown data size "${value}"`, {
      hint: `use one of: ${DATA_SIZES.join(', ')}`,
    });
  }
  return value;
}

/** The data size a run seeds (`--data`, else the profile's) and its session count, for the disk preflight. */
export function dataSizeOf(data: string | undefined, profile: Profile): { size: string; sessions: number } {
  const size = data ?? DATA_FOR_PROFILE[profile];
  return { size, sessions: seedProfileFor(data, profile).sessions };
}

export const SEED_PROGRESS_DEFAULTS = {
  /** Table progress is printed at most this often (a `default` seed runs ~10 minutes, `ci` ~20 s). */
  everyMs: 15_000,
} as const;

const STAGE_TEXT = {
  copy: 'rows copied',
  index: 'rows, building indexes',
  validate: 'rows, validating',
  analyze: 'rows, analyzing',
  done: 'rows, done',
} as const;

/**
 * One progress line for a seeding event, or undefined to stay quiet: the phases always, otherwise
 * the latest table event at most every `everyMs` (a heartbeat, so a long seed is never silent).
 */
export function seedProgressLine(e: SeedProgress, state: { lastMs: number }): string | undefined {
  const at = `${(e.elapsedMs / 1000).toFixed(0)} s`;
  if (e.phase !== 'table') return `${e.phase} (${at})`;
  if (e.elapsedMs - state.lastMs < SEED_PROGRESS_DEFAULTS.everyMs) return undefined;
  state.lastMs = e.elapsedMs;
  const of = e.expected === undefined || e.stage !== 'copy' ? '' : ` of ${e.expected.toLocaleString('en-US')}`;
  return `${e.table}: ${e.rows.toLocaleString('en-US')}${of} ${STAGE_TEXT[e.stage]} (${at})`;
}

/**
 * The seeding step of a run: `data` overrides the size the run profile implies. `signal` (the
 * run's Ctrl-C) cancels a seeding in progress: a `full` seed runs for many minutes.
 */
export function makeSeedFn(data: string | undefined, signal?: AbortSignal): SeedFn {
  return async ({ databaseUrl, profile, seed, onProgress }) => {
    const size = data ?? DATA_FOR_PROFILE[profile];
    const heartbeat = { lastMs: 0 };
    const result = await seedDatabase({
      databaseUrl,
      profile: size === 'tiny' ? TINY : size,
      seed,
      ...(signal === undefined ? {} : { signal }),
      onProgress: (e) => {
        const line = seedProgressLine(e, heartbeat);
        if (line !== undefined) onProgress?.(`seed (${size}): ${line}`);
      },
    });
    onProgress?.(
      `seed (${size}): ${result.totalRows.toLocaleString('en-US')} rows in ${result.seconds.toFixed(1)} s (${Math.round(result.rowsPerSec).toLocaleString('en-US')} rows/s)`,
    );
    return { heavyUser: { userId: result.heavyUser.id, token: result.heavyUser.token } };
  };
}
