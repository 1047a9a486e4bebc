import type { Command } from 'commander';
import { withWorkspace } from '../../store/workspace.js';
import { listRejects } from '../../store/rejects.js';
import { printResult, workspaceDir } from '../output.js';

export function registerRejects(program: Command): void {
  program
    .command('rejects')
    .description('list the records a stage rejected, with the reason')
    .option('-w, --workspace <dir>', 'workspace folder')
    .option('--stage <name>', 'ingest | link | images-index | images-convert | pacs-link | ... (default: every stage)')
    .option('--json', 'print a JSON array')
    .action(async (flags: { workspace?: string; stage?: string; json?: boolean }) => {
      const rows = await withWorkspace(workspaceDir(flags.workspace), (ws) => listRejects(ws, flags.stage));
      printResult(rows, flags.json, (r) => (r.length ? r.map((x) => `${x.stage}\t${x.recordId}\t${x.code}\t${x.reason}`).join('\n') : 'no rejects'));
    });
}
