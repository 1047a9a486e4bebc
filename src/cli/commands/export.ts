import type { Command } from 'commander';
import { withWorkspace } from '../../store/workspace.js';
import { exportKeyImages } from '../../images/export.js';
import { printResult, workspaceDir } from '../output.js';
import { pacsClient } from './pacs.js';
import { DEFAULT_MAX_PIXELS } from '../../images/pixels.js';
import { parseMaxPixels } from './images.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export the key images de-identified (DICOM: PS3.15 basic profile; PNG: pixels only)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--format <f>', 'dicom, png or both', 'both')
    .option('--workspace <dir>', 'workspace folder')
    .option('--max-pixels <n>', 'refuse images whose frames declare more pixels (rows x columns), before decoding', parseMaxPixels, DEFAULT_MAX_PIXELS)
    .option('--url <dicomweb>', 'DICOMweb root for images that live on a PACS')
    .option('--user <user>', 'PACS user (password from $PACSMINE_PACS_PASSWORD)')
    .option('--json', 'print JSON')
    .action(async (opts: { out: string; format: 'dicom' | 'png' | 'both'; workspace?: string; maxPixels: number; url?: string; user?: string; json?: boolean }) => {
      const client = opts.url ? pacsClient(opts.url, opts.user) : undefined;
      const summary = await withWorkspace(workspaceDir(opts.workspace), (ws) =>
        exportKeyImages(ws, { outDir: opts.out, format: opts.format, maxPixels: opts.maxPixels, ...(client ? { client } : {}) }));
      printResult(summary, opts.json, (s) => `exported ${s.dicom} DICOM and ${s.png} PNG files of ${s.images} key images to ${s.outDir} (${s.rejected} rejected); manifest ${s.manifest}`);
    });
}
