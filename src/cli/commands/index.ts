/**
 * Every CLI verb, registered in one place. Each stage adds one line here and keeps its
 * flags and printing in its own file.
 */
import type { Command } from 'commander';
import { registerInit } from './init.js';
import { registerEmbed } from './embed.js';
import { registerNeighbors } from './neighbors.js';
import { registerTerms } from './terms.js';
import { registerDescribe } from './describe.js';

export function registerAllCommands(program: Command): void {
  registerInit(program);
  registerEmbed(program);
  registerNeighbors(program);
  registerTerms(program);
  registerDescribe(program);
}
