import type { Command } from 'commander';
import type { ClassifyResult } from '../../training/classify.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { workspaceOption } from '../flags.js';
import { maxWorkerCount } from '../../util/worker-count.js';

interface ClassifyFlags extends WorkspaceFlags {
  top: number;
  keywords: number;
  threads?: number;
  json?: boolean;
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
  program
    .command('classify')
    .description('each image\'s top topics at every trained level, with the topics\' keywords')
    .argument('<images...>', 'image files (any format sharp reads)')
    .addOption(workspaceOption())
    .option('--top <n>', 'topics per level', integerFlag('top', { min: 1, max: 1000 }), 5)
    .option('--keywords <n>', 'keywords per topic', integerFlag('keywords', { min: 0, max: 50 }), 10)
    .option('--threads <n>', `onnxruntime threads, at most ${maxWorkerCount()} (default: all cores)`, integerFlag('threads', { min: 1, max: maxWorkerCount() }))
    .option('--json', 'print JSON')
    .action(async (images: string[], f: ClassifyFlags) => {
      const { classifyImages } = await import('../../training/classify.js');
      const r = await inWorkspace('classify', f, 'read', (ws) => classifyImages(ws, images, { top: f.top, keywords: f.keywords, ...(f.threads !== undefined ? { threads: f.threads } : {}) }));
      printResult(r, f.json, format);
      if (r.images.length === 0) process.exitCode = 1;
    });
}
