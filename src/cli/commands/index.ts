/**
 * Every CLI verb, registered in one place. Each stage adds one line here and keeps its
 * flags and printing in its own file.
 */
import type { Command } from 'commander';
import { registerInit } from './init.js';
import { registerTopics } from './topics.js';

export function registerAllCommands(program: Command): void {
  registerInit(program);
  registerTopics(program);
}
