import type { Command } from 'commander';
import { enqueueKeywords, predictKeywords, type KeywordsResult } from '../../index.js';
import { addInferenceOptions, addInferenceRunOptions, runInference, type InferenceFlags } from '../image-args.js';

function format(r: KeywordsResult): string {
  const lines: string[] = [];
  for (const img of r.images) {
    lines.push(img.image);
    for (const k of img.keywords) lines.push(`  ${k.level.padEnd(9)} topic ${k.topic.padEnd(8)} ${k.keyword === null ? '(no candidate has a word vector)' : `${k.keyword.padEnd(16)} cosine ${k.cosine!.toFixed(3)}`}`);
  }
  return lines.join('\n');
}

export function registerKeywords(program: Command): void {
  addInferenceRunOptions(addInferenceOptions(program.command('keywords'))
    .description('each image\'s keyword at every topic level: its topic\'s top words matched against the regression CNN\'s bigram output (Section 5.4)'))
    .option('--json', 'print one JSON line per image: [{"level","topic","keyword","cosine"}, ...], then {"images","rejected","digest"}')
    .action(async (images: string[], f: InferenceFlags) => {
      const r: KeywordsResult = await runInference('keywords', images, f,
        (ws, files, threads) => predictKeywords(ws, files, threads),
        (ws, files, queue) => enqueueKeywords(ws, files, queue));
      if (f.json) {
        for (const img of r.images) process.stdout.write(`${JSON.stringify(img.keywords)}\n`);
        process.stdout.write(`${JSON.stringify({ images: r.images.length, rejected: r.rejected.length, digest: r.digest })}\n`);
      }
      else if (r.images.length) process.stdout.write(`${format(r)}\n`);
      for (const x of r.rejected) process.stderr.write(`${x.image}: no keywords (${x.reason})\n`);
      if (r.images.length === 0) process.exitCode = 1;
    });
}
