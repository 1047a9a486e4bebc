/**
 * One training run end to end, as the CLI's `pacsmine train` does it: reads the images (a
 * manifest, or the synthetic task), trains an ImageClassifier (softmax head) or ImageRegressor
 * (sigmoid head) on them, and saves it (model.pacsmine, and model.onnx for other tools).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Device } from './backend.js';
import type { Architecture } from './architectures.js';
import { syntheticDataset, splitDataset, type ImageDataset } from './data.js';
import { loadManifestEntries, readManifest, type ImageFit, type LoadManifestOptions } from './manifest.js';
import type { EpochRecord } from './trainer.js';
import type { Head } from './losses.js';
import { ImageClassifier } from './image-classifier.js';
import { ImageRegressor } from './image-regressor.js';
import type { ImageModelOptions } from './image-model.js';
import { OptionsError } from '../util/errors.js';
import type { Progress } from '../util/progress.js';

export interface TrainRunOptions {
  device: Device;
  architecture: Architecture;
  /**
   * JSON manifest of {path, label}; or synthetic: true. A dataset manifest (`pacsmine dataset`:
   * entries with "split") trains on its 'train' entries and validates on its 'validation'
   * entries; its 'test' entries are never read here.
   */
  manifest?: string;
  synthetic?: boolean;
  /** Stored image size (square) and the network's input crop. */
  imageSize: number;
  cropSize: number;
  channels: 1 | 3;
  head: Head;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  workers?: number;
  /** Images per forward/backward pass in an engine (default: as many as fit; see micro-batch.ts). */
  microBatch?: number;
  validationFraction: number;
  patience?: number;
  /**
   * Fine-tune from this network (a saved model's folder, or a tfjs layers model.json or its
   * folder): new head with the paper's rates (10x the base rate on its weights, 20x on its bias).
   */
  from?: string;
  /** How images are fitted to imageSize: 'pad' (default; keep the aspect) or 'stretch'. */
  fit?: ImageFit;
  /** Class imbalance (src/datasets/balance.ts): weighted loss or sampling with these per-label weights. */
  balance?: { mode: 'weighted' | 'sampling' | 'none'; classWeights: Record<string, number> };
  /** Saved with the network (e.g. the topic level and dataset digest). */
  describe?: Record<string, unknown>;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Keep decoded images in this raw file instead of memory (sets larger than memory). */
  cacheFile?: string;
  /** Save the trained network here (model.pacsmine) and as model.onnx. */
  outDir?: string;
  /** A checkpoint file: an interrupted run resumes from it. */
  checkpoint?: string;
  onEpoch?: (r: EpochRecord) => void;
}

export interface TrainRunResult {
  backend: string;
  numTrain: number;
  numValidation: number;
  rejects: number;
  classNames: string[];
  epochs: EpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  outDir?: string;
  /** Images used for validation came from the manifest's own split (not a random fraction). */
  manifestSplit?: boolean;
}


export async function runTraining(o: TrainRunOptions): Promise<TrainRunResult> {
  let classNames: string[] = [];
  let rejects = 0;
  let train: ImageDataset;
  let validation: ImageDataset | undefined;
  let manifestSplit = false;
  if (o.synthetic) {
    const data = syntheticDataset({ numImages: 600, numClasses: 4, size: o.imageSize, channels: o.channels, seed: o.seed });
    classNames = ['0', '1', '2', '3'];
    ({ train, validation } = splitDataset(data, o.validationFraction, o.seed));
  } else if (o.manifest !== undefined) {
    const entries = readManifest(o.manifest);
    const base = path.dirname(o.manifest);
    const load: LoadManifestOptions = { size: o.imageSize, channels: o.channels, fit: o.fit ?? 'pad' };
    manifestSplit = entries.some((e) => e.split !== undefined);
    if (manifestSplit) {
      const t = await loadManifestEntries(entries, base, { ...load, ...(o.cacheFile !== undefined ? { cacheFile: o.cacheFile } : {}), filter: (e) => e.split === 'train' });
      const v = await loadManifestEntries(entries, base, { ...load, filter: (e) => e.split === 'validation' });
      train = t.data;
      if (v.data.numImages > 0) validation = v.data;
      classNames = t.classNames;
      rejects = t.rejects.length + v.rejects.length;
    } else {
      const m = await loadManifestEntries(entries, base, o.cacheFile !== undefined ? { ...load, cacheFile: o.cacheFile } : load);
      classNames = m.classNames;
      rejects = m.rejects.length;
      if (m.data.numImages < 2) throw new OptionsError(`only ${m.data.numImages} usable images`);
      ({ train, validation } = splitDataset(m.data, o.validationFraction, o.seed));
    }
  } else throw new OptionsError('give a dataset manifest (option `manifest`) or option `synthetic`');
  if (train.numImages < 1) throw new OptionsError('no usable training images');
  const common: ImageModelOptions = {
    inputShape: [o.cropSize, o.cropSize, o.channels], fit: o.fit ?? 'pad', epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed, device: o.device,
    ...(o.from !== undefined ? { from: o.from } : { architecture: o.architecture }),
    ...(o.describe !== undefined ? { facts: o.describe } : {}),
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    ...(o.patience !== undefined ? { patience: o.patience } : {}),
    ...(o.microBatch !== undefined ? { microBatch: o.microBatch } : {}),
  };
  if (o.from !== undefined) delete common.inputShape; // the network's own
  const model = o.head === 'softmax'
    ? new ImageClassifier({ ...common, classNames, ...(o.balance !== undefined ? { balance: o.balance } : {}) })
    : new ImageRegressor({ ...common, targetDim: train.targetDim ?? 0 });
  try {
    const report = await model.train(train, {
      ...(validation !== undefined ? { validation } : {}),
      ...(o.checkpoint !== undefined ? { checkpoint: { file: o.checkpoint } } : {}),
      ...(o.signal !== undefined ? { signal: o.signal } : {}),
      ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}),
      ...(o.onEpoch !== undefined ? { onEpoch: o.onEpoch } : {}),
    });
    const result: TrainRunResult = { backend: report.backend, numTrain: train.numImages, numValidation: validation?.numImages ?? 0, rejects, classNames, epochs: report.epochs, bestEpoch: report.bestEpoch, stoppedEarly: report.stoppedEarly };
    if (manifestSplit) result.manifestSplit = true;
    if (o.outDir !== undefined) {
      await model.save(o.outDir);
      writeFileSync(path.join(o.outDir, 'model.onnx'), await model.exportOnnx());
      result.outDir = o.outDir;
    }
    return result;
  } finally {
    model.dispose();
  }
}
