/**
 * The shared servers the integration tests use: PostgreSQL with trust auth (a superuser, which
 * creates and drops its own databases) and Redis. Override with LOADLAB_TEST_PG_URL (the admin
 * URL: any database on the server; tests create their own) and LOADLAB_TEST_REDIS_URL. This file
 * imports nothing, so engine tests may use it without reaching into the harness.
 */
export const TEST_PG_ADMIN_URL = process.env.LOADLAB_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.LOADLAB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
