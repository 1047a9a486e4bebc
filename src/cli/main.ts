#!/usr/bin/env node
/**
 * The `pacsmine` command: a thin layer over the library. Each verb lives in
 * src/cli/commands/<verb>.ts and only parses flags, calls the library and prints; the program
 * and its exit codes are in program.ts.
 */
import { CommanderError } from 'commander';
import { buildProgram, exitCodeForRun } from './program.js';
import { cliMessage } from './errors.js';

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) process.stderr.write(`pacsmine: ${cliMessage(error)}\n`);
    process.exitCode = exitCodeForRun(error);
  }
}

await main();
