/**
 * Child process of `npm run bench:api`: the API server alone in its own Node process, so the
 * load generator (autocannon, in the parent) does not share its event loop or its core.
 *
 * Usage: node --import tsx bench/api-server.ts --database-url URL --redis-url URL --prefix P
 *        [--pool-max N] [--variant optimized|audited]
 * Prints one JSON line `{"port":N,"pid":N}` on stdout once listening; SIGTERM/SIGINT close the
 * server and the engine and exit 0 (so `node --cpu-prof` gets to write its profile).
 */
import { parseArgs } from 'node:util';
import { createApiServer } from '../engine/api/index.js';
import { createEngine } from '../engine/index.js';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    prefix: { type: 'string', default: 'bench_api:' },
    // 50 connections from autocannon need at most 50 statements in flight; pgbench runs after
    // the API, so the server's max_connections (100) is never shared between the two.
    'pool-max': { type: 'string', default: '50' },
    variant: { type: 'string', default: 'optimized' },
  },
});

async function main(): Promise<void> {
  const databaseUrl = values['database-url'];
  const redisUrl = values['redis-url'];
  if (databaseUrl === undefined || redisUrl === undefined) throw new Error('--database-url and --redis-url are required');
  const variant = values.variant === 'audited' ? 'audited' : 'optimized';
  const engine = await createEngine({
    config: { databaseUrl, redisUrl, redisKeyPrefix: values.prefix ?? 'bench_api:', variant, db: { poolMax: Number(values['pool-max']) } },
  });
  const server = await createApiServer(engine);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => engine.close()).then(() => process.exit(0), (err: unknown) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exit(1);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  console.log(JSON.stringify({ port, pid: process.pid }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
