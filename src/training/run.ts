/** One training run end to end, as the CLI's `pacsmine train` does it. */
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { useDevice, type Device } from './backend.js';
import { buildModel, type Architecture } from './models.js';
import { syntheticDataset, splitDataset, type ImageDataset } from './data.js';
import { loadManifestEntries, readManifest, type ImageFit, type LoadManifestOptions } from './manifest.js';
import { trainModel, type EpochRecord, type TrainOptions } from './trainer.js';
import { loadLayersModel, NEW_LAYER_LR, replaceHead, saveLayersModel } from './model-io.js';
import { exportOnnx } from './onnx-export.js';
import type { Head } from './losses.js';
import { OptionsError } from '../util/errors.js';

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
   * Fine-tune from this tfjs layers model (model.json or its folder): new head with the paper's
   * rates (10x the base rate on its weights, 20x on its bias).
   */
  from?: string;
  /** How images are fitted to imageSize: 'pad' (default; keep the aspect) or 'stretch'. */
  fit?: ImageFit;
  /** Class imbalance (src/datasets/balance.ts): weighted loss or sampling with these per-label weights. */
  balance?: { mode: 'weighted' | 'sampling' | 'none'; classWeights: Record<string, number> };
  /** Written into classes.json beside the network (e.g. the topic level and dataset digest). */
  describe?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Keep decoded images in this raw file instead of memory (sets larger than memory). */
  cacheFile?: string;
  /** Save the trained network here (tfjs layers format) and as model.onnx. */
  outDir?: string;
  checkpointDir?: string;
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
  const choice = await useDevice(o.device);
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
  const numOutputs = o.head === 'softmax' ? classNames.length : train.targetDim!;
  const inputShape: [number, number, number] = [o.cropSize, o.cropSize, o.channels];
  const model = o.from !== undefined
    ? replaceHead(await loadLayersModel(o.from), { numOutputs, seed: o.seed })
    : buildModel({ architecture: o.architecture, inputShape, numOutputs, seed: o.seed });
  const options: TrainOptions = {
    head: o.head, epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed,
    workers: o.workers ?? (choice.backend === 'wasm' ? Math.min(2, cpus().length) : 0),
  };
  if (o.cropSize !== o.imageSize) options.crop = [o.cropSize, o.cropSize];
  if (validation !== undefined) options.validation = validation;
  if (o.from !== undefined) options.lrMultipliers = { ...NEW_LAYER_LR };
  if (o.balance !== undefined && o.balance.mode !== 'none' && o.head === 'softmax') {
    const weights = classNames.map((n) => o.balance!.classWeights[n] ?? 1);
    if (o.balance.mode === 'weighted') options.classWeights = weights;
    else options.sampleWeights = weights;
  }
  if (o.signal !== undefined) options.signal = o.signal;
  if (o.patience !== undefined) options.patience = o.patience;
  if (o.microBatch !== undefined) options.microBatch = o.microBatch;
  if (o.checkpointDir !== undefined) options.checkpointDir = o.checkpointDir;
  if (o.onEpoch !== undefined) options.onEpoch = o.onEpoch;
  const report = await trainModel(model, train, options);
  const result: TrainRunResult = { backend: choice.description, numTrain: train.numImages, numValidation: validation?.numImages ?? 0, rejects, classNames, epochs: report.epochs, bestEpoch: report.bestEpoch, stoppedEarly: report.stoppedEarly };
  if (manifestSplit) result.manifestSplit = true;
  if (o.outDir !== undefined) {
    await saveLayersModel(model, o.outDir);
    writeFileSync(path.join(o.outDir, 'model.onnx'), await exportOnnx(model));
    writeFileSync(path.join(o.outDir, 'classes.json'), JSON.stringify({ ...o.describe, head: o.head, classNames, inputShape, imageSize: o.imageSize, fit: o.fit ?? 'pad' }));
    result.outDir = o.outDir;
  }
  model.dispose();
  return result;
}
