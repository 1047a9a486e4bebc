import type { Command } from 'commander';
import { OPTION_VALUES, classifyImages, enqueueClassify, type ClassifyResult } from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { addQueueOptions, workspaceOption } from '../flags.js';
import { progressReporter } from '../progress.js';
import { ALL_KEY_IMAGES_HELP, imageChoice } from '../image-args.js';

interface ClassifyFlags extends WorkspaceFlags {
  top: number;
  keywords: number;
  threads?: number;
  json?: boolean;
  queue?: string;
  redisTimeout: number;
  batch: number;
  progress?: boolean;
  allKeyImages?: boolean;
}

function format(r: ClassifyResult): string {
  const lines: string[] = [];
  for (const img of r.images) {
    lines.push(img.image);
    for (const level of r.levels) {
      const guesses = img.levels[level];
      if (!guesses) continue;
      lines.push(`  ${level}:`);
      for (const g of guesses) lines.push(`    ${g.label.padEnd(8)} ${(100 * g.probability).toFixed(1).padStart(5)}%  ${g.keywords.join(', ')}`);
    }
  }
  for (const x of r.rejected) lines.push(`${x.image}: not classified (${x.reason})`);
  return lines.join('\n');
}

export function registerClassify(program: Command): void {
  addQueueOptions(program
    .command('classify'), 'the networks')
    .description('each image\'s top topics at every trained level, with the topics\' keywords')
    .argument('[images...]', 'image files (any format sharp reads)')
    .option('--all-key-images', ALL_KEY_IMAGES_HELP)
    .addOption(workspaceOption())
    .option('--top <n>', 'topics per level', integerFlag('top', { min: 1, max: 1000 }), 5)
    .option('--keywords <n>', 'keywords per topic', integerFlag('keywords', { min: 0, max: 50 }), 10)
    .option('--threads <n>', `onnxruntime threads, at most ${OPTION_VALUES.maxWorkers} (default: all cores)`, integerFlag('threads', { min: 1, max: OPTION_VALUES.maxWorkers }))
    .option('--batch <n>', 'with --queue: images per job', integerFlag('batch', { min: 1, max: 100_000 }), 256)
    .option('--no-progress', 'no progress bar (with --queue)')
    .option('--json', 'print JSON')
    .action(async (images: string[], f: ClassifyFlags) => {
      const pick = imageChoice(images, f.allKeyImages);
      const options = { top: f.top, keywords: f.keywords, ...(f.threads !== undefined ? { threads: f.threads } : {}) };
      let r: ClassifyResult;
      if (f.queue !== undefined) {
        const reporter = progressReporter(f.progress !== false && !f.json);
        try {
          r = await inWorkspace('classify', f, 'read', (ws) => enqueueClassify(ws, pick(ws), { ...options, redis: f.queue!, redisTimeoutMs: f.redisTimeout * 1000, batch: f.batch, onProgress: reporter.onProgress }));
        } finally {
          reporter.stop();
        }
      } else {
        r = await inWorkspace('classify', f, 'read', (ws) => classifyImages(ws, pick(ws), options));
      }
      printResult(r, f.json, format);
      if (r.images.length === 0) process.exitCode = 1;
    });
}
