import type { Command } from 'commander';
import { cleanupStale, INFRA_DEFAULTS, liveRuns } from '../../infra/index.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { CommandContext } from './types.js';

const UP_LABEL = 'infra up';

export function registerInfraCommand(program: Command, ctx: CommandContext): void {
  const infra = program.command('infra').description('Provision PostgreSQL and Redis for manual runs');

  infra
    .command('up')
    .description(
      'Start an embedded PostgreSQL (or use DATABASE_URL) and a redis-server child (or REDIS_URL), print their URLs, and keep them until `loadlab infra down` or Ctrl-C',
    )
    .option('--database-url <url>', 'use this PostgreSQL server instead of an embedded one')
    .option('--redis-url <url>', 'use this Redis instead of a redis-server child')
    .option('--json', 'print one JSON object with the URLs')
    .action(async (opts: { databaseUrl?: string; redisUrl?: string; json?: boolean }) => {
      const printer = ctx.printer(opts.json === true);
      await ctx.withInfra({ databaseUrl: opts.databaseUrl, redisUrl: opts.redisUrl, label: UP_LABEL }, async (env) => {
        const { url } = await env.createDatabase('main');
        printer.line(`DATABASE_URL=${url}`);
        printer.line(`REDIS_URL=${env.redis?.url ?? ''}`);
        printer.status(
          `postgres: ${env.postgres.kind}${env.postgres.pid() === undefined ? '' : ` (pid ${env.postgres.pid()})`}; redis: ${env.redis?.owned === true ? `child pid ${env.redis.pid()}` : 'external'}`,
        );
        printer.status('running; stop with Ctrl-C or `loadlab infra down`');
        printer.result({ runId: env.runId, databaseUrl: url, redisUrl: env.redis?.url, pid: process.pid });
        // Stay up until a signal arrives; closeOnExit (in withInfra) tears everything down.
        await new Promise<never>(() => undefined);
      });
    });

  infra
    .command('down')
    .description('Stop every running `loadlab infra up` started from this machine')
    .action(async () => {
      const printer = ctx.printer(false);
      const stateDir = ctx.env.stateDir ?? INFRA_DEFAULTS.stateDir;
      const runs = liveRuns(stateDir).filter((r) => r.label === UP_LABEL);
      if (runs.length === 0) {
        printer.line('no running `loadlab infra up` found');
        return;
      }
      for (const run of runs) {
        process.kill(run.ownerPid, 'SIGTERM');
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline && liveRuns(stateDir).some((r) => r.runId === run.runId)) await new Promise((r) => setTimeout(r, 100));
        printer.line(`stopped run ${run.runId} (pid ${run.ownerPid})`);
      }
      ctx.setExitCode(EXIT_CODES.OK);
    });

  infra
    .command('clean')
    .description('Remove leftovers of crashed runs and of runs kept with --keep (children, data directories)')
    .action(async () => {
      const printer = ctx.printer(false);
      const out = await cleanupStale(ctx.env.stateDir ?? INFRA_DEFAULTS.stateDir, { includeKept: true });
      printer.line(`removed ${out.runs.length} run(s), killed ${out.killed.length} process(es), removed ${out.removedDirs.length} dir(s)`);
    });
}
