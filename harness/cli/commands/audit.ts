import type { Command } from 'commander';
import { migrate, OPTIMIZATION_NAMES } from '../../../engine/migrate/index.js';
import type { CommandContext } from './types.js';

/**
 * `loadlab audit`: the main job. Until the scenario catalogue lands it provisions the
 * infrastructure, migrates, and says that no scenario is registered.
 */
export function registerAuditCommand(program: Command, ctx: CommandContext): void {
  program
    .command('audit')
    .description('Provision PostgreSQL and Redis, migrate, seed, run every scenario of the profile, check budgets and write the audit report')
    .option('--profile <name>', 'ci | default | full', 'ci')
    .option('--out <dir>', 'output folder (default ./loadlab-report/<timestamp>)')
    .option('--database-url <url>', 'use this PostgreSQL server instead of an embedded one')
    .option('--redis-url <url>', 'use this Redis instead of a redis-server child')
    .option('--keep', 'keep the databases after the run')
    .option('--json', 'print one JSON object')
    .action(async (opts: { profile: string; databaseUrl?: string; redisUrl?: string; keep?: boolean; json?: boolean }) => {
      const printer = ctx.printer(opts.json === true);
      await ctx.withInfra({ databaseUrl: opts.databaseUrl, redisUrl: opts.redisUrl, keep: opts.keep }, async (infra) => {
        printer.status(`postgres: ${infra.postgres.kind}, redis: ${infra.redis?.owned === true ? 'child' : 'external'}`);
        const baseline = await infra.createDatabase('baseline');
        await migrate({ databaseUrl: baseline.url, optimizations: [] });
        const optimized = await infra.createDatabase('optimized');
        await migrate({ databaseUrl: optimized.url, optimizations: OPTIMIZATION_NAMES });
        printer.status('migrated a baseline and an optimized database');
        printer.line('no scenario is registered yet: nothing to measure');
        printer.result({ profile: opts.profile, scenarios: [], status: 'passed' });
      });
    });
}
