/** One training run end to end, as the CLI's `pacsmine train` does it. */
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { useDevice, type Device } from './backend.js';
import { buildModel, type Architecture } from './models.js';
import { syntheticDataset, splitDataset, type ImageDataset } from './data.js';
import { loadManifestDataset } from './manifest.js';
import { trainModel, type EpochRecord, type TrainOptions } from './trainer.js';
import { loadLayersModel, replaceHead, saveLayersModel } from './model-io.js';
import { exportOnnx } from './onnx-export.js';
import type { Head } from './losses.js';
import { OptionsError } from '../util/errors.js';

export interface TrainRunOptions {
  device: Device;
  architecture: Architecture;
  /** JSON manifest of {path, label}; or synthetic: true. */
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
  /** Fine-tune from this tfjs layers model (model.json or its folder): new head, 10x LR on it. */
  from?: string;
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
}

export async function runTraining(o: TrainRunOptions): Promise<TrainRunResult> {
  const choice = await useDevice(o.device);
  let data: ImageDataset;
  let classNames: string[] = [];
  let rejects = 0;
  if (o.synthetic) {
    data = syntheticDataset({ numImages: 600, numClasses: 4, size: o.imageSize, channels: o.channels, seed: o.seed });
    classNames = ['0', '1', '2', '3'];
  } else if (o.manifest !== undefined) {
    const m = await loadManifestDataset(o.manifest, o.cacheFile !== undefined ? { size: o.imageSize, channels: o.channels, cacheFile: o.cacheFile } : { size: o.imageSize, channels: o.channels });
    data = m.data;
    classNames = m.classNames;
    rejects = m.rejects.length;
  } else throw new OptionsError('give a dataset manifest (--manifest FILE) or --synthetic');
  if (data.numImages < 2) throw new OptionsError(`only ${data.numImages} usable images`);
  const numOutputs = o.head === 'softmax' ? classNames.length : data.targetDim!;
  const { train, validation } = splitDataset(data, o.validationFraction, o.seed);
  const inputShape: [number, number, number] = [o.cropSize, o.cropSize, o.channels];
  const model = o.from !== undefined
    ? replaceHead(await loadLayersModel(o.from), { numOutputs, seed: o.seed })
    : buildModel({ architecture: o.architecture, inputShape, numOutputs, seed: o.seed });
  const options: TrainOptions = {
    head: o.head, epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed, validation,
    workers: o.workers ?? (choice.backend === 'wasm' ? Math.min(2, cpus().length) : 0),
  };
  if (o.cropSize !== o.imageSize) options.crop = [o.cropSize, o.cropSize];
  if (o.from !== undefined) options.lrMultipliers = { head: 10 };
  if (o.patience !== undefined) options.patience = o.patience;
  if (o.microBatch !== undefined) options.microBatch = o.microBatch;
  if (o.checkpointDir !== undefined) options.checkpointDir = o.checkpointDir;
  if (o.onEpoch !== undefined) options.onEpoch = o.onEpoch;
  const report = await trainModel(model, train, options);
  const result: TrainRunResult = { backend: choice.description, numTrain: train.numImages, numValidation: validation.numImages, rejects, classNames, epochs: report.epochs, bestEpoch: report.bestEpoch, stoppedEarly: report.stoppedEarly };
  if (o.outDir !== undefined) {
    await saveLayersModel(model, o.outDir);
    writeFileSync(path.join(o.outDir, 'model.onnx'), await exportOnnx(model));
    writeFileSync(path.join(o.outDir, 'classes.json'), JSON.stringify({ head: o.head, classNames, inputShape, imageSize: o.imageSize }));
    result.outDir = o.outDir;
  }
  model.dispose();
  return result;
}
