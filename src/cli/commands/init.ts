import type { Command } from 'commander';
import { Workspace } from '../../store/workspace.js';
import { printResult } from '../output.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a workspace folder (a SQLite store plus artifacts)')
    .argument('<dir>', 'workspace folder')
    .option('--json', 'print JSON')
    .action((dir: string, opts: { json?: boolean }) => {
      const ws = Workspace.open(dir);
      ws.close();
      printResult({ workspace: ws.dir, created: true }, opts.json, () => `workspace ready at ${ws.dir}`);
    });
}
