import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createApiServer } from '../../../engine/api/index.js';
import { createEngine, type Engine } from '../../../engine/index.js';
import { redactUrl } from '../../../engine/errors/index.js';
import { migrate, OPTIMIZATION_NAMES } from '../../../engine/migrate/index.js';
import type { CommandContext } from './types.js';

/** Defaults of `loadlab serve` (bo1's API listened on :8000, §9.1). */
const SERVE_DEFAULTS = {
  port: 8000,
  host: '127.0.0.1',
  variant: 'optimized' as 'audited' | 'optimized',
  mockProfile: 'instant',
  timeScale: 1,
  demoUserId: 'demo',
} as const;

interface ServeOptions {
  port: number;
  host: string;
  variant: 'audited' | 'optimized';
  mockProfile: string;
  timeScale: number;
  databaseUrl?: string;
  redisUrl?: string;
  json?: boolean;
}

const integer =
  (min: number, max: number) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer in ${min}..${max}`);
    return n;
  };

const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
};

export function registerServeCommand(program: Command, ctx: CommandContext): void {
  program
    .command('serve')
    .description(
      'Run the engine as an HTTP service (bo1 routes, SSE, /api/health, /metrics, /api/docs/json). Embedded PostgreSQL and a redis-server child unless URLs are given; prints the URL and a demo bearer token; Ctrl-C drains and flushes before exiting',
    )
    .addOption(new Option('--port <port>', 'TCP port (0 = any free port)').argParser(integer(0, 65_535)).default(SERVE_DEFAULTS.port))
    .addOption(new Option('--host <host>', 'interface to listen on').default(SERVE_DEFAULTS.host))
    .addOption(
      new Option('--variant <variant>', 'engine variant: the audited system or the audit recommendations applied')
        .choices(['audited', 'optimized'])
        .default(SERVE_DEFAULTS.variant),
    )
    .addOption(new Option('--mock-profile <name>', 'mock LLM profile (instant, realistic, flaky)').default(SERVE_DEFAULTS.mockProfile))
    .addOption(
      new Option('--time-scale <factor>', 'factor applied to every mock LLM delay (0.01 = 100x faster)')
        .argParser(positive)
        .default(SERVE_DEFAULTS.timeScale),
    )
    .addOption(
      new Option(
        '--database-url <url>',
        'serve this database (migrated if needed) instead of a fresh one on an embedded server (default: DATABASE_URL)',
      ),
    )
    .addOption(new Option('--redis-url <url>', 'use this Redis instead of a redis-server child (default: REDIS_URL)'))
    .option('--json', 'print one JSON object with the URL and token once listening')
    .action(async (opts: ServeOptions) => {
      const printer = ctx.printer(opts.json === true);
      const externalDb = opts.databaseUrl ?? ctx.env.databaseUrl;
      let engine: Engine | undefined;
      let stop: (() => Promise<void>) | undefined;
      // On Ctrl-C: stop accepting, finish in-flight requests, flush events and costs; only then
      // does withInfra tear PostgreSQL and Redis down.
      const onSignal = async (signal: NodeJS.Signals): Promise<void> => {
        printer.status(`${signal}: stopping (finishing in-flight requests, flushing events and costs)`);
        await stop?.();
        if (engine !== undefined) {
          const m = engine.metrics();
          printer.status(
            `stopped: events ${m.events.persisted}/${m.events.emitted} persisted, cost records ${m.costs.persisted}/${m.costs.generated} persisted (${m.costs.queued} queued, ${m.costs.evicted} evicted)`,
          );
        }
      };
      await ctx.withInfra({ databaseUrl: externalDb, redisUrl: opts.redisUrl, label: 'serve', onSignal }, async (infra) => {
        try {
          // A given server is served as is (e.g. a seeded database); an embedded one gets a fresh database.
          const databaseUrl = externalDb ?? (await infra.createDatabase('serve')).url;
          printer.status(`migrating ${redactUrl(databaseUrl)}`);
          await migrate({ databaseUrl, optimizations: opts.variant === 'audited' ? [] : OPTIMIZATION_NAMES });
          engine = await createEngine({
            config: {
              databaseUrl,
              redisUrl: infra.redis?.url ?? '',
              variant: opts.variant,
              llm: { mockProfile: opts.mockProfile, timeScale: opts.timeScale },
            },
            logger: ctx.logger,
          });
          const token = `ll_demo_${randomBytes(20).toString('hex')}`;
          await engine.repositories.users.create({ id: SERVE_DEFAULTS.demoUserId, email: 'demo@loadlab.invalid' });
          await engine.repositories.users.addToken(SERVE_DEFAULTS.demoUserId, token, 'serve demo');
          const server = await createApiServer(engine, { logger: ctx.logger });
          const open = engine;
          // Sessions left `running` by a dead engine on these databases continue here: once at
          // start, then every lease period (a lease still fresh now may go stale later).
          const sweep = async (): Promise<void> => {
            const r = await open.resumeOrphans();
            for (const s of r.resumed)
              printer.status(
                `resumed session ${s.report.sessionId} after step ${s.report.step} (${s.report.lastStep}); ${s.report.redoneEvents} events redone`,
              );
          };
          await sweep();
          const sweeper = setInterval(
            () => void sweep().catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'resume sweep failed')),
            open.config.checkpoint.leaseMs,
          );
          sweeper.unref();
          stop = async () => {
            clearInterval(sweeper);
            await server.close();
            await open.close();
          };
          await server.app.listen({ port: opts.port, host: opts.host });
          const address = server.app.server.address();
          const port = typeof address === 'object' && address !== null ? address.port : opts.port;
          const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
          printer.line(
            `loadlab serve: listening on ${url} (variant ${opts.variant}, mock profile ${opts.mockProfile}, time scale ${opts.timeScale})`,
          );
          printer.line(`demo user "${SERVE_DEFAULTS.demoUserId}": Authorization: Bearer ${token}`);
          printer.line(
            `try: curl -s -H 'Authorization: Bearer ${token}' ${url}/api/v1/sessions   (health: ${url}/api/health, metrics: ${url}/metrics, OpenAPI: ${url}/api/docs/json)`,
          );
          // From a script, signal this PID: `npx` does not forward signals to it when not on a TTY.
          printer.status(`stop with Ctrl-C, or kill -INT ${process.pid} (SIGTERM works too)`);
          printer.result({ url, userId: SERVE_DEFAULTS.demoUserId, token, variant: opts.variant, pid: process.pid });
          // Serve until a signal; the signal path drains, closes the engine, tears down and exits.
          await new Promise<never>(() => undefined);
        } catch (err) {
          await stop?.().catch(() => undefined);
          await engine?.close().catch(() => undefined);
          throw err;
        }
      });
    });
}
