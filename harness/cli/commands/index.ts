import type { Command } from 'commander';
import type { CommandContext } from './types.js';

export type { CommandContext } from './types.js';

type Register = (program: Command, ctx: CommandContext) => void;

/**
 * Every CLI command, in help order, loaded on demand: one line per command file. Each command
 * module pulls in its own stack (fastify and the SDK for `serve`, faker for `seed`, …); importing
 * all of them cost ~1 s before any command ran, on every invocation.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  audit: async () => (await import('./audit.js')).registerAuditCommand,
  report: async () => (await import('./report.js')).registerReportCommand,
  compare: async () => (await import('./compare.js')).registerCompareCommand,
  migrate: async () => (await import('./migrate.js')).registerMigrateCommand,
  seed: async () => (await import('./seed.js')).registerSeedCommand,
  infra: async () => (await import('./infra.js')).registerInfraCommand,
  list: async () => (await import('./list.js')).registerListCommand,
  serve: async () => (await import('./serve.js')).registerServeCommand,
  run: async () => (await import('./run.js')).registerRunCommand,
  simulate: async () => (await import('./simulate.js')).registerSimulateCommand,
  k6: async () => (await import('./k6.js')).registerK6Command,
  profile: async () => (await import('./profile.js')).registerProfileCommand,
};

/**
 * Registers the command named in `argv` alone when there is one (the root program has no options
 * that take a value, so the first bare word is the command); otherwise every command, so that
 * help, `help <command>` and "unknown command" suggestions see them all.
 */
export async function registerCommands(program: Command, ctx: CommandContext, argv: readonly string[]): Promise<void> {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const only = name !== undefined && Object.hasOwn(COMMANDS, name) ? [COMMANDS[name] as () => Promise<Register>] : Object.values(COMMANDS);
  for (const register of await Promise.all(only.map((load) => load()))) register(program, ctx);
}
