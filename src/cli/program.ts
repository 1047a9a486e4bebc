/**
 * The `pacsmine` program: every verb registered, and how a run's outcome maps to an exit code.
 *
 * Exit codes (README "Flags and exit codes"): 0 success; 1 a failed run (bad input or file, a busy
 * workspace, an internal error); 2 a usage error (unknown command or option, a missing or bad
 * argument or flag value, a missing or impossible workspace).
 */
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { CancelledError, OptionsError, packageVersion } from '../index.js';
import { registerAllCommands } from './commands/index.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The program; `output` redirects commander's own messages (tests capture them). */
export function buildProgram(output?: OutputConfiguration): Command {
  const program = new Command();
  if (output) program.configureOutput(output);
  program
    .name('pacsmine')
    .description('Mine a PACS and its radiology reports into a labelled key-image dataset and trained models.')
    .version(packageVersion)
    .showHelpAfterError()
    // Commander would exit 1 on its own usage errors; thrown instead, they become exit code 2 in main().
    // Set before the verbs are registered, so that every (sub)command inherits it.
    .exitOverride();
  registerAllCommands(program);
  return program;
}

/**
 * The exit code for a library error: 2 for a usage error (OptionsError: a bad flag value, a missing
 * workspace or stage input), 130 when the run was cancelled (the shell's code for an interrupted
 * command), 1 for everything else (a failed run: bad input, a bad file, a busy workspace, a refused
 * login, an internal error). 0 is success and never comes from here.
 */
export function exitCodeFor(error: unknown): 1 | 2 | 130 {
  if (error instanceof CancelledError) return 130;
  return error instanceof OptionsError ? 2 : 1;
}

/** The exit code for what a run threw. Commander has already printed its own messages. */
export function exitCodeForRun(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help, --version, and help shown on request exit 0; every other commander error is a usage error.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
  }
  return exitCodeFor(error);
}
