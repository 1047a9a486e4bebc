import type { Command } from 'commander';
import { inWorkspace, printResult, workspaceDir, type WorkspaceFlags } from '../output.js';
import { workspaceOption } from '../flags.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a workspace folder (a SQLite store plus artifacts); its parent folder must exist')
    .argument('[dir]', 'workspace folder (or -w DIR)')
    .addOption(workspaceOption())
    .option('--json', 'print JSON')
    .action(async (dir: string | undefined, opts: WorkspaceFlags & { json?: boolean }) => {
      const wsDir = await inWorkspace('init', { workspace: dir ?? workspaceDir(opts.workspace) }, 'create', (ws) => ws.dir);
      printResult({ workspace: wsDir, created: true }, opts.json, () => `workspace ready at ${wsDir}`);
    });
}
