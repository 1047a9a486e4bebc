import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import {
  OPTION_VALUES, OptionsError, readArchiveTruth, runTraining, trainChain, trainLevel,
  type Architecture, type Device, type EpochRecord, type Head, type LevelEvaluation, type LevelTrainOptions, type LevelTrainResult, type TopicLevel, type TrainRunOptions,
} from '../../index.js';
import { inWorkspace, printResult, type WorkspaceFlags } from '../output.js';
import { integerFlag, numberFlag } from '../numbers.js';
import { seedOption, waitOption, workersOption, workspaceOption } from '../flags.js';
import { formatEvaluation } from './evaluate.js';
import { withControl } from '../progress.js';

const { topicLevels: TOPIC_LEVELS, architectures: ARCHITECTURES } = OPTION_VALUES;

interface TrainFlags extends WorkspaceFlags {
  device: string; model: string; manifest?: string; synthetic?: boolean; size: number; crop?: number; channels: number;
  head: string; epochs: number; batch: number; lr?: number; fineTuneLr: number; seed: number; workers?: number; microBatch?: number; validation: number;
  patience?: number; from?: string; out?: string; checkpoint?: string; cache?: string; json?: boolean;
  level?: string; chain?: boolean; evaluate: boolean; truth?: string; force?: boolean;
}

const epochLine = (r: EpochRecord, prefix = '') =>
  `${prefix}epoch ${r.epoch + 1}: train loss ${r.trainLoss.toFixed(4)}${r.valLoss !== undefined ? `, val loss ${r.valLoss.toFixed(4)}` : ''}${r.valAccuracy !== undefined ? `, val acc ${(r.valAccuracy * 100).toFixed(1)}%` : ''}, ${r.imagesPerSecond.toFixed(1)} img/s\n`;

function formatLevel(t: LevelTrainResult): string {
  const last = t.epochs.at(-1);
  return `${t.upToDate ? 'up to date: ' : ''}${t.level}: ${t.classNames.length} classes, ${t.numTrain} training / ${t.numValidation} validation images, ${t.from ? `fine-tuned from ${t.from} (base LR ${t.learningRate}, new head 10x/20x)` : `from scratch (LR ${t.learningRate})`}, ` +
    `${t.epochs.length} epochs, ${t.imagesPerSecond.toFixed(0)} img/s${last?.valAccuracy !== undefined ? `, validation accuracy ${(last.valAccuracy * 100).toFixed(1)}%` : ''} -> ${t.outDir}`;
}

/** `train --level L` / `train --chain`: the workspace's level datasets, models into the workspace. */
async function trainLevels(f: TrainFlags): Promise<void> {
  if (f.manifest !== undefined || f.synthetic) throw new OptionsError('--level/--chain train on the workspace\'s datasets: leave out --manifest and --synthetic');
  if (f.out !== undefined || f.checkpoint !== undefined || f.cache !== undefined) throw new OptionsError('--level/--chain save into the workspace (artifacts/models/<level>): leave out --out, --checkpoint and --cache');
  if (f.head !== 'softmax') throw new OptionsError('--level/--chain train the softmax head over topic labels');
  if (f.level !== undefined && f.chain) throw new OptionsError('give --level L for one level or --chain for all three, not both');
  const channels = f.channels as 1 | 3;
  const common: Omit<LevelTrainOptions, 'level'> = {
    device: f.device as Device, architecture: f.model as Architecture, imageSize: f.size, channels, epochs: f.epochs, batchSize: f.batch,
    learningRate: f.lr ?? 0.01, fineTuneLearningRate: f.fineTuneLr, seed: f.seed,
    ...(f.crop !== undefined ? { cropSize: f.crop } : {}),
    ...(f.workers !== undefined ? { workers: f.workers } : {}),
    ...(f.patience !== undefined ? { patience: f.patience } : {}),
    ...(f.force ? { force: true } : {}),
    ...(f.json ? {} : { onEpoch: (level: TopicLevel, r: EpochRecord) => process.stderr.write(epochLine(r, `${level} `)) }),
  };
  const truth = f.truth !== undefined ? readArchiveTruth(f.truth).categories : undefined;
  if (f.chain) {
    const r = await withControl(f.json, (control) => inWorkspace('train', f, 'update', (ws) => trainChain(ws, {
      ...common, ...control, evaluate: f.evaluate, ...(truth ? { truth } : {}), ...(f.from !== undefined ? { from: f.from } : {}),
      ...(f.json ? {} : { onLevel: (_l: TopicLevel, e: { train: LevelTrainResult; evaluation?: LevelEvaluation }) => process.stderr.write(`${formatLevel(e.train)}\n${e.evaluation ? `${formatEvaluation(e.evaluation)}\n` : ''}`) }),
    })));
    const levels = Object.fromEntries(Object.entries(r.levels).map(([l, e]) => [l, { ...e.train, epochs: e.train.epochs, ...(e.evaluation ? { evaluation: e.evaluation } : {}) }]));
    const digest = createHash('sha256').update(Object.values(r.levels).map((e) => `${e.train.digest}:${e.evaluation?.digest ?? ''}`).join('\n')).digest('hex');
    printResult({ levels, digest }, f.json, () => `chain done: ${TOPIC_LEVELS.map((l) => {
      const e = r.levels[l]?.evaluation;
      return e ? `${l} top-1 ${(100 * e.top1).toFixed(1)}% top-5 ${(100 * e.top5).toFixed(1)}%` : l;
    }).join('; ')}\nconfusion matrices: ${Object.values(r.levels).map((e) => e.evaluation?.svg).filter(Boolean).join(', ')}\ndigest ${digest}`);
    return;
  }
  if (!TOPIC_LEVELS.includes(f.level as TopicLevel)) throw new OptionsError(`--level must be one of ${TOPIC_LEVELS.join(', ')}, got '${f.level}'`);
  const level = f.level as TopicLevel;
  // The paper's chain: a lower level starts from the level above (when trained) unless told otherwise.
  const r = await withControl(f.json, (control) => inWorkspace('train', f, 'update', (ws) =>
    trainLevel(ws, { ...common, ...control, level, ...(f.from !== undefined ? { from: f.from } : { fromParent: true }) })));
  printResult(r, f.json, (x) => `${formatLevel(x)}\ndigest ${x.digest}`);
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a CNN on labelled key images (tfjs: wasm on CPU, WebGPU on GPU): a manifest, or the workspace\'s topic levels (--level, --chain)')
    .addOption(workspaceOption())
    .addOption(waitOption())
    .option('--level <level>', `train one topic level on the workspace's dataset (${TOPIC_LEVELS.join(' | ')}); second and sentence start from the level above when it is trained`)
    .option('--chain', 'train document, then second (fine-tuned from document), then sentence (from second), and evaluate each on its test split')
    .option('--no-evaluate', 'with --chain: do not evaluate the levels')
    .option('--truth <file>', 'with --chain: a synthetic archive\'s truth.jsonl; scores each level against its categories too')
    .option('--force', 'with --level/--chain: train again even when the saved network is up to date')
    .option('--device <d>', 'cpu | gpu | auto', 'auto')
    .option('--model <arch>', ARCHITECTURES.join(' | '), 'conv4')
    .option('--manifest <file>', 'JSON manifest: [{"path": "x.png", "label": "..."}]')
    .option('--synthetic', 'train on a small synthetic task (demo)')
    .option('--size <px>', 'images are padded to size×size (aspect kept)', integerFlag('size', { min: 8, max: 4096 }), 64)
    .option('--crop <px>', 'random training crop (centre crop for validation); default = size, 7/8 of it with --level/--chain', integerFlag('crop', { min: 8, max: 4096 }))
    .option('--channels <n>', '1 or 3', integerFlag('channels', { min: 1, max: 3 }), 1)
    .option('--head <h>', 'softmax (labels) | sigmoid (512-d targets)', 'softmax')
    .option('--epochs <n>', 'epochs (per level with --chain)', integerFlag('epochs', { min: 1, max: 1_000_000 }), 10)
    .option('--batch <n>', 'batch size', integerFlag('batch', { min: 1, max: 100_000 }), 50)
    .option('--lr <x>', 'base learning rate (default 0.001; 0.01 for a level trained from scratch)', numberFlag('lr', { above: 0, max: 100 }))
    .option('--fine-tune-lr <x>', 'base learning rate of a level fine-tuned from another network (the paper\'s 0.001; its new last layer gets 10x, its bias 20x)', numberFlag('fine-tune-lr', { above: 0, max: 100 }), 0.001)
    .addOption(seedOption())
    .addOption(workersOption('gradient worker threads on CPU, each batch cut into workers + 1 slices (0: this thread only)', 'one slice per core on wasm, 0 on tfjs-node and GPU'))
    .option('--micro-batch <n>', 'images per forward/backward pass in an engine; the step still averages the whole batch (default: as many as fit)', integerFlag('micro-batch', { min: 1, max: 100_000 }))
    .option('--validation <x>', 'fraction held out for validation (a manifest without splits)', numberFlag('validation', { min: 0, below: 1 }), 0.1)
    .option('--patience <n>', 'early stopping after n epochs without improvement', integerFlag('patience', { min: 1, max: 1_000_000 }))
    .option('--from <model>', 'fine-tune from a saved network\'s folder, or a tfjs layers model.json or folder (new head: 10x LR on its weights, 20x on its bias)')
    .option('--out <dir>', 'save the trained network here (model.pacsmine, and model.onnx for other tools)')
    .option('--cache <file>', 'keep decoded images in this raw file, not in memory (large sets)')
    .option('--checkpoint <file>', 'checkpoint file; an interrupted run resumes from it')
    .option('--json', 'print JSON (with --level/--chain: with "digest")')
    .action(async (f: TrainFlags) => {
      const channels = f.channels;
      if (channels !== 1 && channels !== 3) throw new OptionsError(`--channels must be 1 or 3, got '${channels}'`);
      if (f.level !== undefined || f.chain) {
        await trainLevels(f);
        return;
      }
      if (f.truth !== undefined) throw new OptionsError('--truth goes with --chain');
      const opts: TrainRunOptions = {
        device: f.device as Device, architecture: f.model as Architecture, imageSize: f.size, cropSize: f.crop ?? f.size,
        channels, head: f.head as Head, epochs: f.epochs, batchSize: f.batch, learningRate: f.lr ?? 0.001,
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
      if (f.checkpoint !== undefined) opts.checkpoint = f.checkpoint;
      if (f.cache !== undefined) opts.cacheFile = f.cache;
      if (!f.json) opts.onEpoch = (r) => process.stderr.write(epochLine(r));
      const result = await withControl(f.json, (control) => runTraining({ ...opts, ...control }));
      printResult(result, f.json, (r) => {
        const last = r.epochs.at(-1);
        return [`backend: ${r.backend}`, `trained on ${r.numTrain} images (${r.numValidation} validation, ${r.rejects} rejected)`,
          last?.valAccuracy !== undefined ? `final validation accuracy ${(last.valAccuracy * 100).toFixed(1)}%` : '', r.outDir ? `saved to ${r.outDir}` : ''].filter(Boolean).join('\n');
      });
    });
}
