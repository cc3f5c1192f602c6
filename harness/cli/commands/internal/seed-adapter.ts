import { seedDatabase } from '../../../../seed/index.js';
import type { Profile } from '../../../result/index.js';
import type { SeedFn } from '../../../runner/index.js';

/** Run profile -> seed profile: `full` audits run on the `large` data set. */
const SEED_PROFILE: Record<Profile, string> = { ci: 'ci', default: 'default', full: 'large' };

export const runSeed: SeedFn = async ({ databaseUrl, profile, seed, onProgress }) => {
  const result = await seedDatabase({
    databaseUrl,
    profile: SEED_PROFILE[profile],
    seed,
    onProgress: (e) => {
      if (e.phase !== 'table') onProgress?.(`seed: ${e.phase}`);
    },
  });
  onProgress?.(`seed: ${result.totalRows.toLocaleString('en-US')} rows in ${result.seconds.toFixed(1)} s (${Math.round(result.rowsPerSec).toLocaleString('en-US')} rows/s)`);
  return { heavyUser: { userId: result.heavyUser.id, token: result.heavyUser.token } };
};
