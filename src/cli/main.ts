#!/usr/bin/env node
/**
 * The `pacsmine` command: a thin layer over the library. Each verb lives in
 * src/cli/commands/<verb>.ts and only parses flags, calls the library and prints.
 */
import { Command } from 'commander';
import { packageVersion } from '../util/version.js';
import { registerAllCommands } from './commands/index.js';
import { exitCodeFor, describeError } from '../util/errors.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('pacsmine')
    .description('Mine a PACS and its radiology reports into a labelled key-image dataset and trained models.')
    .version(packageVersion)
    .showHelpAfterError();
  registerAllCommands(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    process.stderr.write(`pacsmine: ${describeError(error)}\n`);
    process.exitCode = exitCodeFor(error);
  }
}

await main();
