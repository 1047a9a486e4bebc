/**
 * The flags several commands share, defined once so that they read the same everywhere:
 * -w/--workspace and --wait on every command that uses a workspace, --workers and --seed with
 * one meaning and one range. Numeric values all go through ./numbers.ts.
 */
import { Option, type Command } from 'commander';
import { OPTION_VALUES } from '../index.js';
import { integerFlag, numberFlag, SEED_RANGE } from './numbers.js';

/** -w, --workspace <dir>: every command that reads or writes a workspace. */
export function workspaceOption(): Option {
  return new Option('-w, --workspace <dir>', 'workspace folder (default: $PACSMINE_WORKSPACE, else ./pacsmine-workspace)');
}

/** --wait <seconds>: every command that writes to a workspace. */
export function waitOption(): Option {
  return new Option('--wait <seconds>', 'when another process is writing to the workspace, wait up to this long for it (default: refuse at once)')
    .argParser(numberFlag('wait', { min: 0, max: 2_000_000 }));
}

/**
 * --workers <n>: 0 = work in the main thread (no worker threads); N = up to N threads. The cap
 * (maxWorkerCount(), the harness's own) keeps a typo from starting thousands of threads.
 */
export function workersOption(what: string, defaultText: string): Option {
  return new Option('--workers <n>', `${what}: 0 = in the main thread, at most ${OPTION_VALUES.maxWorkers} (${OPTION_VALUES.workersPerCore} per core); default ${defaultText}`)
    .argParser(integerFlag('workers', { min: 0, max: OPTION_VALUES.maxWorkers }));
}

/** --seed <n>: an unsigned 32-bit integer; the same seed gives the same result. */
export function seedOption(defaultSeed = 1): Option {
  return new Option('--seed <n>', 'random seed (same seed, same result)').argParser(integerFlag('seed', SEED_RANGE)).default(defaultSeed);
}

/**
 * --queue <redis-url> and --redis-timeout <seconds>: a stage that can run as jobs on the Redis queue
 * (docs/queue.md). The coordinator waits out a Redis restart; one gone longer than the timeout
 * stops the run (exit 1) with a message that names Redis without its password, and the same
 * command run again resumes.
 */
export function addQueueOptions(command: Command, what: string): Command {
  return command.addOption(
    new Option('--queue <redis-url>', `run ${what} as jobs on a Redis queue, done by \`pacsmine worker\` processes (docs/queue.md)`)).addOption(
    new Option('--redis-timeout <seconds>', 'with --queue: stop (resumable) when Redis has not answered for this long').argParser(numberFlag('redis-timeout', { min: 0.1, max: 86_400 })).default(120));
}
