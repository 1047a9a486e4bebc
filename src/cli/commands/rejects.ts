import type { Command } from 'commander';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { workspaceOption } from '../flags.js';

export function registerRejects(program: Command): void {
  program
    .command('rejects')
    .description('list the records a stage rejected, with the reason')
    .addOption(workspaceOption())
    .option('--stage <name>', 'ingest | link | images-index | images-convert | pacs-link | ... (default: every stage)')
    .option('--json', 'print a JSON array')
    .action(async (flags: WorkspaceFlags & { stage?: string; json?: boolean }) => {
      const rows = await inWorkspace('rejects', flags, 'read', (ws) => ws.rejects(flags.stage));
      printResult(rows, flags.json, (r) => (r.length ? r.map((x) => `${x.stage}\t${x.recordId}\t${x.code}\t${x.reason}`).join('\n') : 'no rejects'));
    });
}
