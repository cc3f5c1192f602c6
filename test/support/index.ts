export { createTestDatabase } from './database.js';
export { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from './urls.js';
export type { TestDatabase } from './database.js';
export { startTestRedis } from './redis.js';
export type { RedisHandle } from '../../harness/infra/index.js';
export { runScenarioForTest, TEST_SEED_PROFILE } from './scenario.js';
export type { ScenarioTestOptions } from './scenario.js';
export { countStore } from './store-count.js';
export type { StoreCount } from './store-count.js';
