import { defineConfig } from 'vitest/config';

// Integration tests share one PostgreSQL and spawn redis-server children; on a 2-core machine a
// small fork pool keeps them from starving each other.
export const config = defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'loadlab-report/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});

export default config;
