import type { Command } from 'commander';
import { loadScenarios } from '../../scenario/index.js';
import type { CommandContext } from './types.js';

export function registerListCommand(program: Command, ctx: CommandContext): void {
  program
    .command('list')
    .description('List the registered scenarios with their titles and audit references')
    .option('--json', 'print one JSON array')
    .action(async (opts: { json?: boolean }) => {
      const printer = ctx.printer(opts.json === true);
      const scenarios = await loadScenarios();
      printer.result(scenarios.map((s) => ({ name: s.name, title: s.title, auditRef: s.auditRef, budgets: Object.keys(s.budgets) })));
      if (scenarios.length === 0) {
        printer.line('no scenario is registered yet (scenarios/*.ts)');
        return;
      }
      const width = Math.max(...scenarios.map((s) => s.name.length));
      for (const s of scenarios) printer.line(`${s.name.padEnd(width)}  ${s.title}  [audit ${s.auditRef}]`);
      printer.line();
      printer.line(`${scenarios.length} scenario(s); run one with: loadlab run <name> [--profile ci|default|full]`);
    });
}
