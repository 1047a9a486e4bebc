import type { Command } from 'commander';
import { classifyImages, enqueueClassify, type ClassifyResult } from '../../index.js';
import { printResult } from '../output.js';
import { integerFlag } from '../numbers.js';
import { addInferenceOptions, addInferenceRunOptions, runInference, type InferenceFlags } from '../image-args.js';

interface ClassifyFlags extends InferenceFlags {
  top: number;
  keywords: number;
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
  addInferenceRunOptions(addInferenceOptions(program.command('classify'))
    .description('each image\'s top topics at every trained level, with the topics\' keywords')
    .option('--top <n>', 'topics per level', integerFlag('top', { min: 1, max: 1000 }), 5)
    .option('--keywords <n>', 'keywords per topic', integerFlag('keywords', { min: 0, max: 50 }), 10))
    .option('--json', 'print JSON')
    .action(async (images: string[], f: ClassifyFlags) => {
      const options = { top: f.top, keywords: f.keywords };
      const r: ClassifyResult = await runInference('classify', images, f,
        (ws, files, threads) => classifyImages(ws, files, { ...options, ...threads }),
        (ws, files, queue) => enqueueClassify(ws, files, { ...options, ...queue }));
      printResult(r, f.json, format);
      if (r.images.length === 0) process.exitCode = 1;
    });
}
