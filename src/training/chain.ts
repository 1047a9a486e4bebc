/**
 * The paper's training chain (Section 4) on a workspace's level datasets: the document-level
 * network first (from scratch, or from the user's weights), then the second-level network
 * fine-tuned from it, then the sentence-level network fine-tuned from that. Each fine-tuned
 * network keeps the body of the one above and gets a new last layer, which learns at 10x the base
 * rate on its weights and 20x on its bias (the paper: 0.001 for the kept layers, 0.01 and 0.02 for
 * the new one). Every level uses the workspace's one split, so no level's test image was a
 * training image of the level it was fine-tuned from.
 *
 * Stage `train:<level>`, an adapter from the workspace to ImageClassifier (through runTraining);
 * the network goes to artifacts/models/<level>/ (model.pacsmine, and model.onnx for other tools).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { IMAGE_MODEL_FILE, imageModelDigest, readImageModelDescription } from './image-model-file.js';
import type { Workspace } from '../store/workspace.js';
import { filesUnder } from '../store/artifacts.js';
import { MissingStageError, OptionsError } from '../util/errors.js';
import { TOPIC_LEVELS, type TopicLevel } from '../topics/stage.js';
import { readLevelDataset } from '../datasets/level.js';
import { evaluateLevel, levelModelDir, type LevelEvaluation } from '../evaluation/evaluate.js';
import { runTraining, type TrainRunResult } from './run.js';
import type { Architecture } from './architectures.js';
import type { Device } from './backend.js';
import type { EpochRecord } from './trainer.js';
import { codeDigest } from '../util/code-digest.js';
import type { Progress } from '../util/progress.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('training', 'datasets', 'store', 'util');

export interface LevelTrainOptions {
  level: TopicLevel;
  /**
   * Start from this network (a saved model's folder, or a tfjs layers folder or model.json): the
   * user's weights at the document level, the level above in the chain. Undefined: from scratch.
   */
  from?: string;
  /**
   * Without `from`: start from the level above's trained network when the workspace has one
   * (the paper's chain, one level at a time), else from scratch.
   */
  fromParent?: boolean;
  architecture?: Architecture;
  /** Images are padded to imageSize² (default 64); training crops cropSize² (default 7/8 of it). */
  imageSize?: number;
  cropSize?: number;
  channels?: 1 | 3;
  epochs?: number;
  batchSize?: number;
  /** Base rate of a network trained from scratch. Default 0.01. */
  learningRate?: number;
  /** Base rate of a fine-tuned network (the paper's 0.001; its new last layer gets 10x/20x). */
  fineTuneLearningRate?: number;
  seed?: number;
  workers?: number;
  device?: Device;
  patience?: number;
  onEpoch?: (level: TopicLevel, r: EpochRecord) => void;
  signal?: AbortSignal;
  /** One Progress value per training step (stage 'train'). */
  onProgress?: (p: Progress) => void;
  /** Train again even when the saved network is up to date (same dataset, options and starting weights). */
  force?: boolean;
}

export interface LevelTrainResult extends Omit<TrainRunResult, 'outDir'> {
  level: TopicLevel;
  outDir: string;
  from: string | null;
  learningRate: number;
  /** Mean training throughput over the epochs. */
  imagesPerSecond: number;
  /** SHA-256 of the saved network: weights, class list and description (imageModelDigest). */
  digest: string;
  /** The saved network was up to date and was not trained again. */
  upToDate?: boolean;
}

export const trainStage = (level: TopicLevel): string => `train:${level}`;

/** The level above `level` in the chain (undefined for the document level). */
export function parentLevel(level: TopicLevel): TopicLevel | undefined {
  const i = TOPIC_LEVELS.indexOf(level);
  return i > 0 ? TOPIC_LEVELS[i - 1] : undefined;
}

/** The levels that have a trained network in the workspace, in chain order. */
export function trainedLevels(ws: Workspace): TopicLevel[] {
  return TOPIC_LEVELS.filter((level) => trainedModelDir(ws, level) !== undefined);
}

/** The workspace's trained network of a level, if there is one. */
export function trainedModelDir(ws: Workspace, level: TopicLevel): string | undefined {
  const dir = levelModelDir(ws, level);
  return existsSync(path.join(dir, IMAGE_MODEL_FILE)) ? dir : undefined;
}

/** The starting weights' digest (a saved model, or a layers folder or its model.json), so a changed parent retrains its children. */
function digestFrom(from: string): string {
  const dir = from.endsWith('.json') || from.endsWith('.pacsmine') ? path.dirname(from) : from;
  if (existsSync(path.join(dir, IMAGE_MODEL_FILE))) return imageModelDigest(dir);
  const h = createHash('sha256');
  for (const f of ['model.json', 'weights.bin']) if (existsSync(path.join(dir, f))) h.update(readFileSync(path.join(dir, f)));
  return h.digest('hex');
}

/**
 * A workspace network to fine-tune from must have been trained on its level's current dataset:
 * after the split changed, its training images may be test images of the level below.
 */
function checkParent(ws: Workspace, from: string): void {
  const dir = path.resolve(from.endsWith('.json') || from.endsWith('.pacsmine') ? path.dirname(from) : from);
  // Only this workspace's networks: a user's weights or another workspace's network are theirs to vouch for.
  if (path.relative(ws.dir, dir).startsWith('..') || !existsSync(path.join(dir, IMAGE_MODEL_FILE))) return;
  const meta = readImageModelDescription(dir).description.facts as { level?: unknown; datasetDigest?: unknown };
  if (typeof meta.level !== 'string' || typeof meta.datasetDigest !== 'string' || !TOPIC_LEVELS.includes(meta.level as TopicLevel)) return;
  const current = readLevelDataset(ws, meta.level as TopicLevel);
  if (current !== undefined && current.digest !== meta.datasetDigest) {
    throw new MissingStageError(`${dir}: the ${meta.level}-level network was trained on an earlier version of its dataset`, { stage: 'train', level: meta.level, stale: true });
  }
}

/** Trains one level's network on the level's dataset (`pacsmine train --level L`). */
export async function trainLevel(ws: Workspace, o: LevelTrainOptions): Promise<LevelTrainResult> {
  const level = o.level;
  const info = readLevelDataset(ws, level);
  if (info === undefined) throw new MissingStageError(`no ${level}-level dataset in the workspace`, { stage: 'dataset', level });
  if (o.from === undefined && o.fromParent) {
    const above = parentLevel(level);
    const parentDir = above !== undefined ? trainedModelDir(ws, above) : undefined;
    if (parentDir !== undefined) o = { ...o, from: parentDir };
  }
  const imageSize = o.imageSize ?? 64;
  const cropSize = o.cropSize ?? Math.round((imageSize * 7) / 8);
  const learningRate = o.from !== undefined ? (o.fineTuneLearningRate ?? 0.001) : (o.learningRate ?? 0.01);
  const outDir = levelModelDir(ws, level);
  if (o.from !== undefined) checkParent(ws, o.from);
  const { onEpoch: _e, signal: _s, onProgress: _p, fromParent: _fp, force, ...params } = o;
  const inputDigest = `${info.digest}:${o.from !== undefined ? digestFrom(o.from) : 'scratch'}`;
  if (!force && ws.isUpToDate(trainStage(level), params, inputDigest, CODE())) {
    return { ...(ws.stageRecord(trainStage(level))!.summary as LevelTrainResult), upToDate: true };
  }
  const run = await runTraining({
    device: o.device ?? 'cpu', architecture: o.architecture ?? 'conv4', manifest: info.manifest, imageSize, cropSize, channels: o.channels ?? 1,
    head: 'softmax', epochs: o.epochs ?? 10, batchSize: o.batchSize ?? 50, learningRate, seed: o.seed ?? 1, validationFraction: 0,
    balance: info.balance, outDir,
    describe: { level, datasetDigest: info.digest },
    ...(o.from !== undefined ? { from: o.from } : {}),
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    ...(o.patience !== undefined ? { patience: o.patience } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}),
    ...(o.onEpoch !== undefined ? { onEpoch: (r: EpochRecord) => o.onEpoch!(level, r) } : {}),
  });
  const { outDir: _saved, ...rest } = run;
  const imagesPerSecond = run.epochs.reduce((a, e) => a + e.imagesPerSecond, 0) / Math.max(1, run.epochs.length);
  const result: LevelTrainResult = { ...rest, level, outDir, from: o.from ?? null, learningRate, imagesPerSecond, digest: imageModelDigest(outDir) };
  ws.recordStage(trainStage(level), params, inputDigest, CODE(), result, { artifacts: filesUnder(outDir) });
  return result;
}

export interface ChainOptions extends Omit<LevelTrainOptions, 'level' | 'from' | 'fromParent'> {
  /** The document level's starting weights (the user's); the other levels start from the level above. */
  from?: string;
  /** Evaluate each level on its test split after training it. Default true. */
  evaluate?: boolean;
  /** Ground truth for the evaluation (image id -> category). */
  truth?: ReadonlyMap<string, string>;
  /** Epochs per level, when they differ (default: `epochs` for each). */
  epochsPerLevel?: Partial<Record<TopicLevel, number>>;
  onLevel?: (level: TopicLevel, r: { train: LevelTrainResult; evaluation?: LevelEvaluation }) => void;
  /** The first levels of the chain to train (default all three): ['document'] or ['document', 'second']. */
  levels?: readonly TopicLevel[];
}

export interface ChainResult {
  levels: Partial<Record<TopicLevel, { train: LevelTrainResult; evaluation?: LevelEvaluation }>>;
}

/** document → second → sentence, each fine-tuned from the one before (`pacsmine train --chain`). */
export async function trainChain(ws: Workspace, o: ChainOptions = {}): Promise<ChainResult> {
  const out: ChainResult = { levels: {} };
  let from = o.from;
  const { from: _f, evaluate, truth, epochsPerLevel, onLevel, levels, ...common } = o;
  const chain = levels ?? TOPIC_LEVELS;
  if (chain.some((l, i) => l !== TOPIC_LEVELS[i])) throw new OptionsError(`the chain's levels run ${TOPIC_LEVELS.join(' → ')} from the first; got ${chain.join(', ')}`);
  for (const level of chain) {
    const epochs = epochsPerLevel?.[level] ?? common.epochs;
    const train = await trainLevel(ws, { ...common, ...(epochs !== undefined ? { epochs } : {}), level, ...(from !== undefined ? { from } : {}) });
    const entry: { train: LevelTrainResult; evaluation?: LevelEvaluation } = { train };
    if (evaluate ?? true) entry.evaluation = await evaluateLevel(ws, { level, ...(truth ? { truth } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) });
    out.levels[level] = entry;
    onLevel?.(level, entry);
    from = train.outDir;
  }
  return out;
}
