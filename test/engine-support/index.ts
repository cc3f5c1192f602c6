/**
 * Fixtures for engine tests: a migrated database on the shared server and a redis-server child.
 * Nothing here imports the harness (the engine is the system under test and must not depend on it;
 * eslint enforces this for engine/** and test/engine-support/**).
 */
export { createTestDatabase } from './database.js';
export type { TestDatabase } from './database.js';
export { startTestRedis } from './redis.js';
export type { TestRedis } from './redis.js';
export { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from './urls.js';
