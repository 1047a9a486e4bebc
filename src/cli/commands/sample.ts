import type { Command } from 'commander';
import { generateArchive } from '../../index.js';
import { printResult } from '../output.js';
import { integerFlag } from '../numbers.js';
import { seedOption, workersOption } from '../flags.js';

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('write a synthetic archive: DICOM files, reports (CSV + JSONL) and ground truth (truth.jsonl)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--studies <n>', 'number of studies', integerFlag('studies', { min: 1 }), 100)
    .addOption(seedOption())
    .option('--size <px>', 'rows = columns of every image', integerFlag('size', { min: 16, max: 2048 }), 512)
    .option('--slices <n>', 'slices per CT/MR series', integerFlag('slices', { min: 1, max: 2000 }), 40)
    .option('--patients <n>', 'number of distinct patients (default 0.6 per study)', integerFlag('patients', { min: 1, max: 10_000_000 }))
    .option('--compression <c>', 'none or rle (RLE Lossless files)', 'none')
    .option('--reports-only', 'write reports and ground truth only, no DICOM files')
    .addOption(workersOption('threads rendering images', 'one per core, at most 4'))
    .option('--json', 'print JSON')
    .action(async (opts: { out: string; studies: number; seed: number; size: number; slices: number; patients?: number; reportsOnly?: boolean; workers?: number; compression: 'none' | 'rle'; json?: boolean }) => {
      const summary = await generateArchive({
        outDir: opts.out, studies: opts.studies, seed: opts.seed, size: opts.size, slices: opts.slices,
        ...(opts.patients !== undefined ? { patients: opts.patients } : {}), reportsOnly: opts.reportsOnly ?? false, compression: opts.compression, ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
        onProgress: opts.json ? undefined : (done, total) => {
          if (done % 1000 === 0 || done === total) process.stderr.write(`\rsample: ${done}/${total} studies`);
        },
      });
      if (!opts.json) process.stderr.write('\n');
      printResult(summary, opts.json, (s) =>
        `wrote ${s.studies} studies of ${s.patients} patients: ${s.files} DICOM images and ${s.keyObjects} key object selection documents in ${s.dicomDir}, ${s.keyImages} key images\n` +
        `reports: ${s.reportsCsv} and ${s.reportsJsonl}\nground truth: ${s.truthJsonl}`);
    });
}
