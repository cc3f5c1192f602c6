// One implementation for both: the engine's fixture needs nothing from the harness.
export { createTestDatabase } from '../engine-support/database.js';
export type { TestDatabase } from '../engine-support/database.js';
