import type { Command } from 'commander';
import { OPTION_VALUES, predictManifest } from '../../index.js';
import { printResult } from '../output.js';
import { integerFlag } from '../numbers.js';

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('label images with a network saved by `pacsmine train --out` (ONNX on onnxruntime-node)')
    .requiredOption('--model <dir>', 'folder written by pacsmine train --out')
    .requiredOption('--manifest <file>', 'JSON manifest: [{"path": "x.png"}, ...]')
    .option('--batch <n>', 'images per batch', integerFlag('batch', { min: 1, max: 100_000 }), 64)
    .option('--threads <n>', `onnxruntime threads, at most ${OPTION_VALUES.maxWorkers} (default: all cores)`, integerFlag('threads', { min: 1, max: OPTION_VALUES.maxWorkers }))
    .option('--json', 'print JSON')
    .action(async (f: { model: string; manifest: string; batch: number; threads?: number; json?: boolean }) => {
      const opts: { batchSize: number; threads?: number } = { batchSize: f.batch };
      if (f.threads !== undefined) opts.threads = f.threads;
      const r = await predictManifest(f.model, f.manifest, opts);
      printResult(r, f.json, (x) => [...x.predictions.map((p) => `${p.index}\t${p.label ?? ''}\t${p.score?.toFixed(4) ?? p.vector?.slice(0, 4).map((v) => v.toFixed(3)).join(',')}`), `${x.predictions.length} images labelled, ${x.rejects.length} rejected, ${x.imagesPerSecond.toFixed(0)} img/s`].join('\n'));
    });
}
