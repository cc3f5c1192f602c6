import { Command, CommanderError } from 'commander';
import { isLoadlabError } from '../../engine/errors/index.js';
import { registerCommands } from './commands/index.js';
import { createContext, readEnv, showsStacks } from './context.js';
import { createCrashGuard, installCrashHandlers, printInternalError } from './crash.js';
import { EXIT_BY_KIND, EXIT_CODES } from './exit-codes.js';
import { createPrinter } from './printer.js';
import { VERSION } from '../runner/index.js';

/**
 * Runs the CLI and returns the exit code; bin/loadlab.js passes it to process.exit. While it runs,
 * an uncaught exception or unhandled rejection anywhere (a pg client losing its server, a timer
 * callback) ends as LL_INTERNAL with exit 1, after the command's partial result is written and
 * its infrastructure torn down.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const stderr = createPrinter({ json: false });
  const crashGuard = createCrashGuard();
  let debug = false;
  const uninstall = installCrashHandlers({ guard: crashGuard, printer: stderr, debug: () => debug });
  try {
    const env = readEnv();
    debug = showsStacks(env.logLevel);
    const ctx = createContext(env, (json) => createPrinter({ json }), crashGuard);
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
    await registerCommands(
      program,
      {
        ...ctx,
        setExitCode: (code: number) => {
          exitCode = code;
        },
      },
      argv,
    );
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
    // An unexpected failure is a bug: coded, with the stack only behind LOADLAB_LOG_LEVEL=debug.
    printInternalError(stderr, err, debug);
    return EXIT_CODES.UNEXPECTED;
  } finally {
    uninstall();
  }
}
