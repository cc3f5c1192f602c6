import type { Command } from 'commander';
import { registerAuditCommand } from './audit.js';
import { registerCompareCommand } from './compare.js';
import { registerInfraCommand } from './infra.js';
import { registerK6Command } from './k6.js';
import { registerListCommand } from './list.js';
import { registerMigrateCommand } from './migrate.js';
import { registerProfileCommand } from './profile.js';
import { registerReportCommand } from './report.js';
import { registerServeCommand } from './serve.js';
import { registerRunCommand } from './run.js';
import { registerSeedCommand } from './seed.js';
import { registerSimulateCommand } from './simulate.js';
import type { CommandContext } from './types.js';

export type { CommandContext } from './types.js';

/** Every CLI command; add one line per command file. */
const COMMANDS: ((program: Command, ctx: CommandContext) => void)[] = [
  registerAuditCommand,
  registerReportCommand,
  registerCompareCommand,
  registerMigrateCommand,
  registerSeedCommand,
  registerInfraCommand,
  registerListCommand,
  registerServeCommand,
  registerRunCommand,
  registerSimulateCommand,
  registerK6Command,
  registerProfileCommand,
];

export function registerCommands(program: Command, ctx: CommandContext): void {
  for (const register of COMMANDS) register(program, ctx);
}
