import type { Command } from 'commander';
import { withWorkspace } from '../../store/workspace.js';
import { indexDicomFolder } from '../../images/indexer.js';
import { convertKeyImages } from '../../images/convert.js';
import { printResult, workspaceDir } from '../output.js';
import { pacsClient } from './pacs.js';
import { DEFAULT_MAX_PIXELS } from '../../images/pixels.js';
import { parseInteger } from '../numbers.js';
import { OptionsError } from '../../util/errors.js';

/** --max-pixels (images convert, export): a positive integer. */
export function parseMaxPixels(value: string): number {
  const n = parseInteger(value, 'max-pixels');
  if (n <= 0) throw new OptionsError(`--max-pixels must be a positive integer, got '${value}'`);
  return n;
}

export function registerImages(program: Command): void {
  const images = program.command('images').description('DICOM images: index headers, convert key images to PNG');
  images
    .command('index')
    .description('scan a folder (recursively, and any DICOMDIR) into the workspace image table; headers only')
    .argument('<dir>', 'folder, file or DICOMDIR')
    .option('--workspace <dir>', 'workspace folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { workspace?: string; json?: boolean }) => {
      const summary = await withWorkspace(workspaceDir(opts.workspace), (ws) => indexDicomFolder(ws, dir));
      printResult(summary, opts.json, (s) =>
        `indexed ${s.indexed} images from ${s.scanned} files (${s.duplicates} duplicates, ${s.rejected} rejected` +
        `${Object.keys(s.rejectCodes).length ? `: ${Object.entries(s.rejectCodes).map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}); see the rejects table`);
    });
  images
    .command('convert')
    .description('render the linked key images as PNG (256x256) into the workspace (artifacts/key-images)')
    .option('--workspace <dir>', 'workspace folder')
    .option('--all', 'convert every indexed image, not only key images')
    .option('--size <px>', 'output size', (v) => Number(v), 256)
    .option('--window <c,w|preset>', 'window centre,width or a preset (CHEST, LUNG, HEAD, ...); default: header, else preset by body part')
    .option('--max-pixels <n>', `refuse images whose frames declare more pixels (rows x columns), before decoding`, parseMaxPixels, DEFAULT_MAX_PIXELS)
    .option('--url <dicomweb>', 'DICOMweb root for images that live on a PACS')
    .option('--user <user>', 'PACS user (or $PACSMINE_PACS_USER)')
    .option('--json', 'print JSON')
    .action(async (opts: { workspace?: string; all?: boolean; size: number; window?: string; maxPixels: number; url?: string; user?: string; json?: boolean }) => {
      const window = opts.window === undefined ? undefined : /^-?[\d.]+,[\d.]+$/.test(opts.window)
        ? (opts.window.split(',').map(Number) as [number, number]) : opts.window;
      const client = opts.url ? pacsClient(opts.url, opts.user) : undefined;
      const summary = await withWorkspace(workspaceDir(opts.workspace), (ws) =>
        convertKeyImages(ws, { all: opts.all ?? false, size: opts.size, maxPixels: opts.maxPixels, ...(window !== undefined ? { window } : {}), ...(client ? { client } : {}) }));
      printResult(summary, opts.json, (s) => `converted ${s.converted} of ${s.images} images into ${s.outDir} (${s.rejected} rejected)`);
    });
}
