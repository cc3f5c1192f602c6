export { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from '../support/urls.js';
