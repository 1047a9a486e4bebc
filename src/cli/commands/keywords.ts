import type { Command } from 'commander';
import type { KeywordsResult } from '../../keywords/predict-keywords.js';
import { inWorkspace, type WorkspaceFlags } from '../output.js';
import { integerFlag } from '../numbers.js';
import { workspaceOption } from '../flags.js';
import { maxWorkerCount } from '../../util/worker-count.js';

interface KeywordsFlags extends WorkspaceFlags {
  threads?: number;
  json?: boolean;
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
  program
    .command('keywords')
    .description('each image\'s keyword at every topic level: its topic\'s top words matched against the regression CNN\'s bigram output (Section 5.4)')
    .argument('<images...>', 'image files (any format sharp reads)')
    .addOption(workspaceOption())
    .option('--threads <n>', `onnxruntime threads, at most ${maxWorkerCount()} (default: all cores)`, integerFlag('threads', { min: 1, max: maxWorkerCount() }))
    .option('--json', 'print one JSON line per image: [{"level","topic","keyword","cosine"}, ...]')
    .action(async (images: string[], f: KeywordsFlags) => {
      const { predictKeywords } = await import('../../keywords/predict-keywords.js');
      const r = await inWorkspace('keywords', f, 'read', (ws) => predictKeywords(ws, images, f.threads !== undefined ? { threads: f.threads } : {}));
      if (f.json) for (const img of r.images) process.stdout.write(`${JSON.stringify(img.keywords)}\n`);
      else if (r.images.length) process.stdout.write(`${format(r)}\n`);
      for (const x of r.rejected) process.stderr.write(`${x.image}: no keywords (${x.reason})\n`);
      if (r.images.length === 0) process.exitCode = 1;
    });
}
