/**
 * The image-to-words regression CNN (Section 5.3), stage `regress`: the document-level classifier
 * (the paper fine-tunes its best topic classifier) with its softmax layer replaced by 2·D sigmoid
 * outputs (512 for 256-d word vectors), trained with the sigmoid cross-entropy against g(Z) of each
 * bigram target (targets.ts). The new layer learns at 10x the base rate on its weights and 20x on
 * its bias, as in the chain. Only rows of the workspace's split 'train' are trained on; 'validation'
 * rows give the validation loss; no 'test' image is read in training.
 *
 * Every image is decoded once, at the parent network's size, padding and channels, and shared by
 * its rows (an image with three bigrams is three rows of one image). After training, the network's
 * outputs (logits ẑ, the estimate of Z) for every key image of the split go to
 * artifacts/keywords/outputs.pacsmine, which keyword evaluation and search read.
 *
 * The stage is an adapter from the workspace to ImageRegressor (src/training/image-regressor.ts).
 * Files: artifacts/models/regression/ (model.pacsmine, and model.onnx for other tools),
 * artifacts/keywords/{regression.json, regression-targets.pacsmine, outputs.pacsmine}.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { filesUnder } from '../store/artifacts.js';
import { OptionsError, describeError } from '../util/errors.js';
import { readArtifact, takeArray, writeArtifact } from '../util/artifact-file.js';
import { codeDigest } from '../util/code-digest.js';
import { loadWorkspaceVectors } from '../embeddings/stage.js';
import type { SplitName } from '../datasets/split.js';
import { readSplit } from '../datasets/workspace-split.js';
import { trainedModelDir } from '../training/chain.js';
import { decodeImage } from '../training/manifest.js';
import type { ImageDataset } from '../training/data.js';
import type { Device } from '../training/backend.js';
import type { EpochRecord } from '../training/trainer.js';
import { ImageRegressor } from '../training/image-regressor.js';
import { imageModelDigest, readImageModelDescription, type ImageModelDescription } from '../training/image-model-file.js';
import type { Progress } from '../util/progress.js';
import { regressionManifest, writeRegressionManifest, type RegressionCounts } from './targets.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('keywords', 'training', 'embeddings', 'datasets', 'store', 'util');

export const REGRESS_STAGE = 'regress';

export interface RegressionOptions {
  /** The network to fine-tune (a saved image classifier's folder). Default: the workspace's document-level classifier. */
  from?: string;
  /** s of the targets g(s·Z) (targets.ts): a number, or 'auto' (default: vocabulary elements of RMS 1). */
  targetScale?: number | 'auto';
  epochs?: number;
  batchSize?: number;
  /** Base rate (the paper's fine-tuning 0.001; the new layer gets 10x, its bias 20x). */
  learningRate?: number;
  seed?: number;
  workers?: number;
  device?: Device;
  patience?: number;
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  onEpoch?: (r: EpochRecord) => void;
}

export interface RegressionResult {
  modelDir: string;
  from: string;
  /** 2 × the word-vector size. */
  outputs: number;
  /** s of the targets g(s·Z). */
  targetScale: number;
  counts: RegressionCounts;
  numTrainRows: number;
  numValidationRows: number;
  epochs: EpochRecord[];
  bestEpoch: number;
  /** Mean training throughput over the epochs (rows, i.e. image presentations, per second). */
  imagesPerSecond: number;
  /** Images that could not be decoded, by id, with the reason. */
  rejected: Array<{ id: string; reason: string }>;
  /** Images with an output in outputs.pacsmine. */
  imagesWithOutputs: number;
  backend: string;
  /** SHA-256 of the saved weights and of the outputs. */
  digest: string;
  upToDate?: boolean;
}

/** Where the regression network goes. */
export function regressionModelDir(ws: Workspace): string {
  return ws.artifactPath('models', 'regression');
}

/** Where the outputs for every key image go. */
export function regressionOutputsPath(ws: Workspace): string {
  return ws.artifactPath('keywords', 'outputs.pacsmine');
}

/** Every key image's regression output (logits), as the `regress` stage left them. */
export interface RegressionOutputs {
  ids: string[];
  splits: SplitName[];
  dim: number;
  /** [ids × dim] row-major. */
  outputs: Float32Array;
}

export function readRegressionOutputs(ws: Workspace): RegressionOutputs {
  const file = regressionOutputsPath(ws);
  if (!existsSync(file)) throw new OptionsError('no regression outputs in the workspace: run `pacsmine regress` first');
  const a = readArtifact(file, { kind: 'regression-outputs', versions: [1] });
  const meta = a.meta as { ids: string[]; splits: SplitName[]; dim: number };
  return { ids: meta.ids, splits: meta.splits, dim: meta.dim, outputs: takeArray(a, 'outputs', 'f32', [meta.ids.length, meta.dim]) };
}

/** Decodes each image once; rejects are listed, not thrown. */
async function decodeAll(images: Array<{ id: string; path: string }>, meta: ImageModelDescription): Promise<{ pixels: Uint8Array; kept: number[]; rejected: Array<{ id: string; reason: string }> }> {
  const size = meta.imageSize;
  const channels = meta.inputShape[2] === 3 ? 3 : 1;
  const per = size * size * channels;
  const pixels = new Uint8Array(images.length * per);
  const kept: number[] = [];
  const rejected: Array<{ id: string; reason: string }> = [];
  for (let i = 0; i < images.length; i++) {
    try {
      pixels.set(await decodeImage(images[i]!.path, size, channels, meta.fit), kept.length * per);
      kept.push(i);
    } catch (error) {
      rejected.push({ id: images[i]!.id, reason: describeError(error) });
    }
  }
  return { pixels: pixels.subarray(0, kept.length * per), kept, rejected };
}

/** Trains (or reuses) the regression network and writes every key image's output. */
export async function trainRegression(ws: Workspace, o: RegressionOptions = {}): Promise<RegressionResult> {
  const from = o.from ?? trainedModelDir(ws, 'document');
  if (from === undefined) throw new OptionsError('the regression CNN is fine-tuned from the document-level classifier: train it first (the train stage at the document level), or give option `from`');
  const parentDir = from.endsWith('.pacsmine') ? path.dirname(from) : from;
  const parent = readImageModelDescription(parentDir).description;
  const vectors = loadWorkspaceVectors(ws);
  const manifest = regressionManifest(ws, vectors, o.targetScale !== undefined ? { scale: o.targetScale } : {});
  const { signal: _s, onEpoch: _e, onProgress: _p, force, ...params } = o;
  const inputDigest = `${manifest.digest}:${imageModelDigest(parentDir)}`;
  if (!force && ws.isUpToDate(REGRESS_STAGE, params, inputDigest, CODE())) {
    return { ...(ws.stageRecord(REGRESS_STAGE)!.summary as RegressionResult), upToDate: true };
  }
  if (manifest.counts.rows.train === 0) {
    throw new OptionsError(`no training image has a bigram target (${manifest.counts.imagesWithoutBigrams.train} training images without one): run \`pacsmine describe\` with an ontology that finds disease terms in the key sentences`);
  }
  const manifestPaths = writeRegressionManifest(ws, manifest);

  // Every key image of the split, decoded once: the rows point at these.
  const split = readSplit(ws);
  const images = (ws.db.prepare('SELECT sop_instance_uid AS id, path FROM key_image_png ORDER BY sop_instance_uid').all() as Array<{ id: string; path: string }>)
    .filter((i) => split.has(i.id));
  const decoded = await decodeAll(images, parent);
  const indexOf = new Map(decoded.kept.map((k, j) => [images[k]!.id, j]));
  const [h, w, c] = [parent.imageSize, parent.imageSize, parent.inputShape[2] === 3 ? 3 : 1] as const;
  const per = h * w * c;
  const D2 = manifest.targetDim;
  const rowsOf = (s: SplitName) => manifest.rows.filter((r) => r.split === s && indexOf.has(r.id));
  const datasetOf = (rows: ReturnType<typeof rowsOf>): ImageDataset => {
    const targets = new Float32Array(rows.length * D2);
    rows.forEach((r, i) => targets.set(manifest.targets.subarray(r.row * D2, (r.row + 1) * D2), i * D2));
    const image = Int32Array.from(rows, (r) => indexOf.get(r.id)!);
    return {
      numImages: rows.length, imageShape: [h, w, c], pixelScale: 1 / 255, targets, targetDim: D2,
      readImage: (i) => decoded.pixels.subarray(image[i]! * per, (image[i]! + 1) * per),
    };
  };
  const trainRows = rowsOf('train');
  const validationRows = rowsOf('validation');
  if (trainRows.length === 0) throw new OptionsError('no training image with a bigram target could be read');

  const modelDir = regressionModelDir(ws);
  const model = new ImageRegressor({
    from: parentDir, targetDim: D2, fit: parent.fit, epochs: o.epochs ?? 10, batchSize: o.batchSize ?? 50, learningRate: o.learningRate ?? 0.001, seed: o.seed ?? 1, device: o.device ?? 'cpu',
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    ...(o.patience !== undefined ? { patience: o.patience } : {}),
    facts: { vectorSize: D2 / 2, target: 'sigmoid(scale * (word1 vector ++ word2 vector))', targetScale: manifest.scale, from: path.relative(ws.dir, parentDir) || parentDir, manifestDigest: manifest.digest },
  });
  let report: Awaited<ReturnType<ImageRegressor['train']>>;
  let outputs: Float32Array;
  try {
    report = await model.train(datasetOf(trainRows), {
      ...(validationRows.length > 0 ? { validation: datasetOf(validationRows) } : {}),
      ...(o.signal !== undefined ? { signal: o.signal } : {}),
      ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}),
      ...(o.onEpoch !== undefined ? { onEpoch: o.onEpoch } : {}),
    });
    await model.save(modelDir);
    writeFileSync(path.join(modelDir, 'model.onnx'), await model.exportOnnx());
    // Outputs (logits) for every readable key image of the split.
    outputs = await model.outputs({ numImages: decoded.kept.length, imageShape: [h, w, c], pixels: decoded.pixels, pixelScale: 1 / 255 });
  } finally {
    model.dispose();
  }
  const ids = decoded.kept.map((k) => images[k]!.id);
  const outputsFile = regressionOutputsPath(ws);
  writeArtifact(outputsFile, {
    kind: 'regression-outputs', kindVersion: 1, meta: { ids, splits: ids.map((id) => split.get(id)!), dim: D2 },
    arrays: { outputs: { data: outputs, shape: [ids.length, D2] } },
  });

  const digest = createHash('sha256').update(imageModelDigest(modelDir)).update(readFileSync(outputsFile)).digest('hex');
  const result: RegressionResult = {
    modelDir, from: parentDir, outputs: D2, targetScale: manifest.scale, counts: manifest.counts, numTrainRows: trainRows.length, numValidationRows: validationRows.length,
    epochs: report.epochs, bestEpoch: report.bestEpoch,
    imagesPerSecond: report.epochs.reduce((a, e) => a + e.imagesPerSecond, 0) / Math.max(1, report.epochs.length),
    rejected: decoded.rejected, imagesWithOutputs: ids.length, backend: report.backend, digest,
  };
  ws.recordStage(REGRESS_STAGE, params, inputDigest, CODE(), result, { artifacts: [...filesUnder(modelDir), outputsFile, manifestPaths.manifest, manifestPaths.targets] });
  return result;
}
