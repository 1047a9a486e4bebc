import type { Command } from 'commander';
// The library is loaded when the verb runs, so other verbs do not pay for tfjs at start-up.
import { ARCHITECTURES, type Architecture } from '../../training/architectures.js';
import { OptionsError } from '../../util/errors.js';
import type { Device } from '../../training/backend.js';
import type { Head } from '../../training/losses.js';
import type { TrainRunOptions } from '../../training/run.js';
import { printResult } from '../output.js';
import { integerFlag, numberFlag } from '../numbers.js';
import { seedOption, workersOption } from '../flags.js';

interface TrainFlags {
  device: string; model: string; manifest?: string; synthetic?: boolean; size: number; crop?: number; channels: number;
  head: string; epochs: number; batch: number; lr: number; seed: number; workers?: number; microBatch?: number; validation: number;
  patience?: number; from?: string; out?: string; checkpoint?: string; cache?: string; json?: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a CNN on labelled key images (tfjs: wasm on CPU, WebGPU on GPU)')
    .option('--device <d>', 'cpu | gpu | auto', 'auto')
    .option('--model <arch>', ARCHITECTURES.join(' | '), 'conv4')
    .option('--manifest <file>', 'JSON manifest: [{"path": "x.png", "label": "..."}]')
    .option('--synthetic', 'train on a small synthetic task (demo)')
    .option('--size <px>', 'images are resized to size×size', integerFlag('size', { min: 8, max: 4096 }), 64)
    .option('--crop <px>', 'random training crop (centre crop for validation); default = size', integerFlag('crop', { min: 8, max: 4096 }))
    .option('--channels <n>', '1 or 3', integerFlag('channels', { min: 1, max: 3 }), 1)
    .option('--head <h>', 'softmax (labels) | sigmoid (512-d targets)', 'softmax')
    .option('--epochs <n>', 'epochs', integerFlag('epochs', { min: 1, max: 1_000_000 }), 10)
    .option('--batch <n>', 'batch size', integerFlag('batch', { min: 1, max: 100_000 }), 50)
    .option('--lr <x>', 'base learning rate', numberFlag('lr', { above: 0, max: 100 }), 0.001)
    .addOption(seedOption())
    .addOption(workersOption('gradient worker threads on CPU (0 or 1: the main thread)', '2 on wasm'))
    .option('--micro-batch <n>', 'images per forward/backward pass in an engine; the step still averages the whole batch (default: as many as fit)', integerFlag('micro-batch', { min: 1, max: 100_000 }))
    .option('--validation <x>', 'fraction held out for validation', numberFlag('validation', { min: 0, below: 1 }), 0.1)
    .option('--patience <n>', 'early stopping after n epochs without improvement', integerFlag('patience', { min: 1, max: 1_000_000 }))
    .option('--from <model>', 'fine-tune from a tfjs layers model.json (new head, 10x LR on it)')
    .option('--out <dir>', 'save the trained network here (model.json + weights.bin + model.onnx)')
    .option('--cache <file>', 'keep decoded images in this raw file, not in memory (large sets)')
    .option('--checkpoint <dir>', 'checkpoint folder; an interrupted run resumes from it')
    .option('--json', 'print JSON')
    .action(async (f: TrainFlags) => {
      const channels = f.channels;
      if (channels !== 1 && channels !== 3) throw new OptionsError(`--channels must be 1 or 3, got '${channels}'`);
      const opts: TrainRunOptions = {
        device: f.device as Device, architecture: f.model as Architecture, imageSize: f.size, cropSize: f.crop ?? f.size,
        channels, head: f.head as Head, epochs: f.epochs, batchSize: f.batch, learningRate: f.lr,
        seed: f.seed, validationFraction: f.validation,
      };
      if (f.head !== 'softmax' && f.head !== 'sigmoid') throw new OptionsError('--head must be softmax or sigmoid');
      if (f.manifest !== undefined) opts.manifest = f.manifest;
      if (f.synthetic) opts.synthetic = true;
      if (f.workers !== undefined) opts.workers = f.workers;
      if (f.microBatch !== undefined) opts.microBatch = f.microBatch;
      if (f.patience !== undefined) opts.patience = f.patience;
      if (f.from !== undefined) opts.from = f.from;
      if (f.out !== undefined) opts.outDir = f.out;
      if (f.checkpoint !== undefined) opts.checkpointDir = f.checkpoint;
      if (f.cache !== undefined) opts.cacheFile = f.cache;
      if (!f.json) opts.onEpoch = (r) => process.stderr.write(`epoch ${r.epoch + 1}: train loss ${r.trainLoss.toFixed(4)}${r.valLoss !== undefined ? `, val loss ${r.valLoss.toFixed(4)}` : ''}${r.valAccuracy !== undefined ? `, val acc ${(r.valAccuracy * 100).toFixed(1)}%` : ''}, ${r.imagesPerSecond.toFixed(1)} img/s\n`);
      const { runTraining } = await import('../../training/run.js');
      const result = await runTraining(opts);
      printResult(result, f.json, (r) => {
        const last = r.epochs.at(-1);
        return [`backend: ${r.backend}`, `trained on ${r.numTrain} images (${r.numValidation} validation, ${r.rejects} rejected)`,
          last?.valAccuracy !== undefined ? `final validation accuracy ${(last.valAccuracy * 100).toFixed(1)}%` : '', r.outDir ? `saved to ${r.outDir}` : ''].filter(Boolean).join('\n');
      });
    });
}
