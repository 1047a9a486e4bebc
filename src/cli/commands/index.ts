/**
 * Every CLI verb, registered in one place. Each stage adds one line here and keeps its
 * flags and printing in its own file.
 */
import type { Command } from 'commander';
import { registerInit } from './init.js';
import { registerDemo } from './demo.js';
import { registerIngest } from './ingest.js';
import { registerLink } from './link.js';
import { registerStats } from './stats.js';
import { registerRejects } from './rejects.js';

export function registerAllCommands(program: Command): void {
  registerInit(program);
  registerDemo(program);
  registerIngest(program);
  registerLink(program);
  registerStats(program);
  registerRejects(program);
}
