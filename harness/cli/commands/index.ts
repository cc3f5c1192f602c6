import type { Command } from 'commander';
import { registerAuditCommand } from './audit.js';
import { registerInfraCommand } from './infra.js';
import { registerListCommand } from './list.js';
import { registerMigrateCommand } from './migrate.js';
import { registerServeCommand } from './serve.js';
import { registerRunCommand } from './run.js';
import { registerSimulateCommand } from './simulate.js';
import type { CommandContext } from './types.js';

export type { CommandContext } from './types.js';

/** Every CLI command; add one line per command file. */
const COMMANDS: ((program: Command, ctx: CommandContext) => void)[] = [
  registerAuditCommand,
  registerMigrateCommand,
  registerInfraCommand,
  registerListCommand,
  registerServeCommand,
  registerRunCommand,
  registerSimulateCommand,
];

export function registerCommands(program: Command, ctx: CommandContext): void {
  for (const register of COMMANDS) register(program, ctx);
}
