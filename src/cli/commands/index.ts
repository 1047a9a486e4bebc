/**
 * Every CLI verb, registered in one place. Each stage adds one line here and keeps its
 * flags and printing in its own file.
 */
import type { Command } from 'commander';
import { registerInit } from './init.js';
import { registerTrain } from './train.js';
import { registerPredict } from './predict.js';

export function registerAllCommands(program: Command): void {
  registerInit(program);
  registerTrain(program);
  registerPredict(program);
}
