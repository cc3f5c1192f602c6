import { Command, CommanderError } from 'commander';
import { isLoadlabError, redactSecrets, type ErrorKind } from '../../engine/errors/index.js';
import { registerCommands } from './commands/index.js';
import { createContext, readEnv } from './context.js';
import { EXIT_CODES } from './exit-codes.js';
import { createPrinter } from './printer.js';
import { VERSION } from './version.js';

const EXIT_BY_KIND: Record<ErrorKind, number> = {
  usage: EXIT_CODES.USAGE,
  config: EXIT_CODES.USAGE,
  infra: EXIT_CODES.UNEXPECTED,
  internal: EXIT_CODES.UNEXPECTED,
  'data-loss': EXIT_CODES.DATA_LOSS,
};

/** Runs the CLI and returns the exit code; bin/loadlab.js passes it to process.exit. */
export async function main(argv: readonly string[]): Promise<number> {
  const stderr = createPrinter({ json: false });
  const ctx = createContext(readEnv(), (json) => createPrinter({ json }));
  let exitCode: number = EXIT_CODES.OK;
  const program = new Command('loadlab')
    .description('Load testing and scalability audits for LLM deliberation services')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    });
  await registerCommands(program, { ...ctx, setExitCode: (code: number) => { exitCode = code; } }, argv);

  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_CODES.OK;
      if (err.code === 'commander.executeSubCommandAsync') return EXIT_CODES.OK;
      // commander has already printed the message and the help.
      return EXIT_CODES.USAGE;
    }
    if (isLoadlabError(err)) {
      stderr.error(`loadlab: ${err.message} [${err.code}]`);
      if (err.hint !== undefined) stderr.error(`  fix: ${err.hint}`);
      return EXIT_BY_KIND[err.kind];
    }
    // An unexpected failure is a bug: keep the stack, but only behind LOADLAB_LOG_LEVEL=debug.
    const message = err instanceof Error ? err.message : String(err);
    stderr.error(`loadlab: unexpected error: ${redactSecrets(message)}`);
    if (ctx.env.logLevel === 'debug' && err instanceof Error && err.stack !== undefined) stderr.error(redactSecrets(err.stack));
    else stderr.error('  (set LOADLAB_LOG_LEVEL=debug for the stack trace, and please report it)');
    return EXIT_CODES.UNEXPECTED;
  }
}
