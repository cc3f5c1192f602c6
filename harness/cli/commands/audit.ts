import type { Command } from 'commander';
import { executeRun, type RunCommandOptions } from './internal/execute-run.js';
import { addRunOptions } from './internal/run-options.js';
import type { CommandContext } from './types.js';

/** `loadlab audit`: the main job — every scenario of the profile, budgets, and the report. */
export function registerAuditCommand(program: Command, ctx: CommandContext): void {
  addRunOptions(
    program
      .command('audit')
      .description(
        'Provision PostgreSQL and Redis, migrate, seed, run every scenario of the profile, check budgets and write the audit report',
      ),
  ).action(async (opts: RunCommandOptions) => {
    ctx.setExitCode(await executeRun(ctx, 'all', opts));
  });
}
