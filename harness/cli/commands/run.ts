import type { Command } from 'commander';
import { executeRun, type RunCommandOptions } from './internal/execute-run.js';
import { addRunOptions } from './internal/run-options.js';
import type { CommandContext } from './types.js';

export function registerRunCommand(program: Command, ctx: CommandContext): void {
  addRunOptions(
    program
      .command('run')
      .description('Run scenarios by name (or path to a scenario file), check their budgets and write audit.json and the reports')
      .argument('<scenario...>', 'scenario names (see loadlab list) or paths to scenario .ts files'),
  )
    // `run` only: `audit` runs the catalogue's default shapes, which the tiers would replace.
    .option('--tier <n>', "the audit's §6.2 load tier, 1-4: capacity runs it with that tier's recommended configuration and offered load")
    .action(async (names: string[], opts: RunCommandOptions) => {
      ctx.setExitCode(await executeRun(ctx, names, opts));
    });
}
