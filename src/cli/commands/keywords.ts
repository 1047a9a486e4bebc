import type { Command } from 'commander';
import { OPTION_VALUES, enqueueKeywords, predictKeywords, type KeywordsResult } from '../../index.js';
import { inWorkspace, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { addQueueOptions, workspaceOption } from '../flags.js';
import { progressReporter } from '../progress.js';
import { ALL_KEY_IMAGES_HELP, imageChoice } from '../image-args.js';

interface KeywordsFlags extends WorkspaceFlags {
  threads?: number;
  json?: boolean;
  queue?: string;
  redisTimeout: number;
  batch: number;
  progress?: boolean;
  allKeyImages?: boolean;
}

function format(r: KeywordsResult): string {
  const lines: string[] = [];
  for (const img of r.images) {
    lines.push(img.image);
    for (const k of img.keywords) lines.push(`  ${k.level.padEnd(9)} topic ${k.topic.padEnd(8)} ${k.keyword === null ? '(no candidate has a word vector)' : `${k.keyword.padEnd(16)} cosine ${k.cosine!.toFixed(3)}`}`);
  }
  return lines.join('\n');
}

export function registerKeywords(program: Command): void {
  addQueueOptions(program
    .command('keywords'), 'the networks')
    .description('each image\'s keyword at every topic level: its topic\'s top words matched against the regression CNN\'s bigram output (Section 5.4)')
    .argument('[images...]', 'image files (any format sharp reads)')
    .option('--all-key-images', ALL_KEY_IMAGES_HELP)
    .addOption(workspaceOption())
    .option('--threads <n>', `onnxruntime threads, at most ${OPTION_VALUES.maxWorkers} (default: all cores)`, integerFlag('threads', { min: 1, max: OPTION_VALUES.maxWorkers }))
    .option('--batch <n>', 'with --queue: images per job', integerFlag('batch', { min: 1, max: 100_000 }), 256)
    .option('--no-progress', 'no progress bar (with --queue)')
    .option('--json', 'print one JSON line per image: [{"level","topic","keyword","cosine"}, ...], then {"images","rejected","digest"}')
    .action(async (images: string[], f: KeywordsFlags) => {
      const pick = imageChoice(images, f.allKeyImages);
      const threads = f.threads !== undefined ? { threads: f.threads } : {};
      let r: KeywordsResult;
      if (f.queue !== undefined) {
        const reporter = progressReporter(f.progress !== false && !f.json);
        try {
          r = await inWorkspace('keywords', f, 'read', (ws) => enqueueKeywords(ws, pick(ws), { ...threads, redis: f.queue!, redisTimeoutMs: f.redisTimeout * 1000, batch: f.batch, onProgress: reporter.onProgress }));
        } finally {
          reporter.stop();
        }
      } else {
        r = await inWorkspace('keywords', f, 'read', (ws) => predictKeywords(ws, pick(ws), threads));
      }
      if (f.json) {
        for (const img of r.images) process.stdout.write(`${JSON.stringify(img.keywords)}\n`);
        process.stdout.write(`${JSON.stringify({ images: r.images.length, rejected: r.rejected.length, digest: r.digest })}\n`);
      }
      else if (r.images.length) process.stdout.write(`${format(r)}\n`);
      for (const x of r.rejected) process.stderr.write(`${x.image}: no keywords (${x.reason})\n`);
      if (r.images.length === 0) process.exitCode = 1;
    });
}
