import type { Command } from 'commander';
import { withWorkspace } from '../../store/workspace.js';
import { linkKeyImages } from '../../linking/link.js';
import { printResult, workspaceDir } from '../output.js';

export function registerLink(program: Command): void {
  program
    .command('link')
    .description('link key-image references to instances in the image table (accession + series + instance; accession-only fallback)')
    .option('-w, --workspace <dir>', 'workspace folder')
    .option('--no-accession-fallback', 'do not link flagged key images by accession alone')
    .option('--json', 'print one JSON object')
    .action(async (flags: { workspace?: string; accessionFallback: boolean; json?: boolean }) => {
      const s = await withWorkspace(workspaceDir(flags.workspace), (ws) => linkKeyImages(ws, { accessionFallback: flags.accessionFallback }));
      printResult(s, flags.json, (r) =>
        `${r.keyImages} key images from references: ${r.bySeriesInstance} by series+instance, ${r.byInstanceOnly} by instance only, ` +
        `${r.unresolved} unresolved (see 'pacsmine rejects --stage link'); ${r.byAccessionOnly} by accession only`);
    });
}
