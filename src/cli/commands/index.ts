/**
 * Every CLI verb, registered in one place. Each stage adds one line here and keeps its
 * flags and printing in its own file.
 */
import type { Command } from 'commander';
import { registerInit } from './init.js';
import { registerRefs } from './refs.js';
import { registerSample } from './sample.js';
import { registerImages } from './images.js';
import { registerPacs } from './pacs.js';
import { registerExport } from './export.js';

export function registerAllCommands(program: Command): void {
  registerInit(program);
  registerRefs(program);
  registerSample(program);
  registerImages(program);
  registerPacs(program);
  registerExport(program);
}
