import type { CliContext } from '../context.js';

/** What every command's register function receives. */
export interface CommandContext extends CliContext {
  /** Sets the process exit code the CLI returns once the command finishes. */
  setExitCode(code: number): void;
}
