import { defineConfig } from 'vitest/config';

// Where .ci/run wants a machine-readable summary (for its closing "N passed, N failed" line).
const jsonOut = process.env.LOADLAB_TEST_RESULTS;

// Integration tests share one PostgreSQL and spawn redis-server children; on a 2-core machine a
// small fork pool keeps them from starving each other.
// vitest reads the default export; the one exception to named exports in this repo.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'loadlab-report/**', '.loadlab/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: jsonOut === undefined ? ['default'] : ['default', 'json'],
    ...(jsonOut === undefined ? {} : { outputFile: { json: jsonOut } }),
  },
});
