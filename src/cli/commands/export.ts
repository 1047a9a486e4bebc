import type { Command } from 'commander';
import { OPTION_VALUES, exportKeyImages } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { waitOption, workspaceOption } from '../flags.js';
import { pacsClient } from './pacs.js';
import { parseMaxPixels } from './images.js';

interface ExportFlags extends WorkspaceFlags {
  out: string;
  format: 'dicom' | 'png' | 'both';
  maxPixels: number;
  url?: string;
  user?: string;
  json?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export the key images de-identified (DICOM: PS3.15 basic profile; PNG: pixels only)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--format <format>', 'dicom, png or both', 'both')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--max-pixels <n>', 'refuse images whose frames declare more pixels (rows x columns), before decoding', parseMaxPixels, OPTION_VALUES.defaultMaxPixels)
    .option('--url <dicomweb>', 'DICOMweb root for images that live on a PACS')
    .option('--user <user>', 'PACS user (password from $PACSMINE_PACS_PASSWORD)')
    .option('--json', 'print JSON')
    .action(async (opts: ExportFlags) => {
      const client = opts.url ? pacsClient(opts.url, opts.user) : undefined;
      const summary = await inWorkspace('export', opts, 'update', (ws) =>
        exportKeyImages(ws, { outDir: opts.out, format: opts.format, maxPixels: opts.maxPixels, ...(client ? { client } : {}) }));
      printResult(summary, opts.json, (s) => `exported ${s.dicom} DICOM and ${s.png} PNG files of ${s.images} key images to ${s.outDir} (${s.rejected} rejected); manifest ${s.manifest}`);
    });
}
