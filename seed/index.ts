/** The seeder's public surface: deterministic, COPY-speed data for the engine's schema. */
export { seedDatabase } from './seed-database.js';
export type { SeedProgress, SeedResult } from './seed-database.js';
export { SEED_PROFILE_NAMES, resolveProfile } from './profiles.js';
export type { SeedProfile } from './profiles.js';
export { SEED_DEFAULTS } from './defaults.js';
export { seededApiToken, tokenSha256 } from './tokens.js';
