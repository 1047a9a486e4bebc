import type { Command } from 'commander';
import { linkKeyImages } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { waitOption, workspaceOption } from '../flags.js';

export function registerLink(program: Command): void {
  program
    .command('link')
    .description('link key-image references to instances in the image table (accession + series + instance, or the one series the words "coronal T2" fit; accession-only fallback)')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--no-accession-fallback', 'do not link flagged key images by accession alone')
    .option('--json', 'print one JSON object')
    .action(async (flags: WorkspaceFlags & { accessionFallback: boolean; json?: boolean }) => {
      const s = await inWorkspace('link', flags, 'update', (ws) => linkKeyImages(ws, { accessionFallback: flags.accessionFallback }));
      printResult(s, flags.json, (r) =>
        `${r.keyImages} key images from references: ${r.bySeriesInstance} by series+instance, ${r.bySeriesDescription} by the words naming the series, ` +
        `${r.byInstanceOnly} by instance only, ` +
        `${r.unresolved} unresolved (see 'pacsmine rejects --stage link'); ${r.byAccessionOnly} by accession only ` +
        `(${r.byKeyObject} flagged by key object selection documents)`);
    });
}
