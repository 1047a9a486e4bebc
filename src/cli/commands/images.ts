import type { Command } from 'commander';
import { OPTION_VALUES, OptionsError, convertKeyImages, enqueueConvert, indexDicomFolder } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag, parseNumber } from '../numbers.js';
import { addQueueOptions, waitOption, workspaceOption } from '../flags.js';
import { pacsClient } from './pacs.js';
import { progressReporter } from '../progress.js';

/** --max-pixels (images convert, export): a positive integer. */
export const parseMaxPixels = integerFlag('max-pixels', { min: 1, max: Number.MAX_SAFE_INTEGER });

interface ConvertFlags extends WorkspaceFlags {
  all?: boolean;
  size: number;
  window?: string;
  maxPixels: number;
  url?: string;
  user?: string;
  json?: boolean;
  queue?: string;
  redisTimeout: number;
  out?: string;
  progress?: boolean;
}

/** --window: "centre,width" (two numbers, width > 0) or a preset name. */
function parseWindow(value: string): [number, number] | string {
  if (!value.includes(',')) return value;
  const parts = value.split(',');
  if (parts.length !== 2) throw new OptionsError(`--window must be CENTRE,WIDTH or a preset name, got '${value}'`);
  return [parseNumber(parts[0] as string, 'window (centre)'), parseNumber(parts[1] as string, 'window (width)', { above: 0 })];
}

export function registerImages(program: Command): void {
  const images = program.command('images').description('DICOM images: index headers, convert key images to PNG');
  images
    .command('index')
    .description('scan a folder (recursively, and any DICOMDIR) into the workspace image table; headers only. Key Object Selection documents flag the images they select as key images')
    .argument('<dir>', 'folder, file or DICOMDIR')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: WorkspaceFlags & { json?: boolean }) => {
      const summary = await inWorkspace('images index', opts, 'create', (ws) => indexDicomFolder(ws, dir));
      printResult(summary, opts.json, (s) =>
        `indexed ${s.indexed} images from ${s.scanned} files (${s.duplicates} duplicates, ${s.rejected} rejected` +
        `${Object.keys(s.rejectCodes).length ? `: ${Object.entries(s.rejectCodes).map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}); see the rejects table` +
        `${s.keyObjects ? `; ${s.keyObjects} key object selection documents flag ${s.flaggedKeyImages} key images` : ''}`);
    });
  addQueueOptions(images
    .command('convert'), 'the conversion')
    .description('render the linked key images as PNG (256x256) into the workspace (artifacts/key-images)')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--all', 'convert every indexed image, not only key images')
    .option('--size <px>', 'output size', integerFlag('size', { min: 1, max: 8192 }), 256)
    .option('--window <c,w|preset>', 'window centre,width or a preset (CHEST, LUNG, HEAD, ...); default: header, else preset by body part')
    .option('--max-pixels <n>', `refuse images whose frames declare more pixels (rows x columns), before decoding`, parseMaxPixels, OPTION_VALUES.defaultMaxPixels)
    .option('--url <dicomweb>', 'DICOMweb root for images that live on a PACS')
    .option('--user <user>', 'PACS user (or $PACSMINE_PACS_USER)')
    .option('--out <dir>', 'with --queue: the output folder the workers share (default: the workspace\'s artifacts/key-images)')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print JSON')
    .action(async (opts: ConvertFlags) => {
      const window = opts.window === undefined ? undefined : parseWindow(opts.window);
      if (opts.queue !== undefined) {
        if (opts.url) throw new OptionsError('--url goes to the workers with --queue (pacsmine worker --url ...), not to the coordinator');
        const redis = opts.queue;
        const reporter = progressReporter(opts.progress !== false && !opts.json);
        try {
          const summary = await inWorkspace('images convert', opts, 'update', (ws) =>
            enqueueConvert(ws, { redis, redisTimeoutMs: opts.redisTimeout * 1000, all: opts.all ?? false, size: opts.size, maxPixels: opts.maxPixels, ...(window !== undefined ? { window } : {}), ...(opts.out ? { outDir: opts.out } : {}), onProgress: reporter.onProgress }));
          reporter.stop();
          printResult(summary, opts.json, (s) => `converted ${s.converted} of ${s.images} images into ${s.outDir} (${s.rejected} rejected) on the queue`);
        } finally {
          reporter.stop();
        }
        return;
      }
      if (opts.out !== undefined) throw new OptionsError('--out goes with --queue (the in-process conversion writes into the workspace)');
      const client = opts.url ? pacsClient(opts.url, opts.user) : undefined;
      const summary = await inWorkspace('images convert', opts, 'update', (ws) =>
        convertKeyImages(ws, { all: opts.all ?? false, size: opts.size, maxPixels: opts.maxPixels, ...(window !== undefined ? { window } : {}), ...(client ? { client } : {}) }));
      printResult(summary, opts.json, (s) => `converted ${s.converted} of ${s.images} images into ${s.outDir} (${s.rejected} rejected)`);
    });
}
