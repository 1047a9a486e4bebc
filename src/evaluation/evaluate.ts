/**
 * A level's network on its test split (stage `evaluate:<level>`, `pacsmine evaluate`): top-1 and
 * top-5 accuracy, macro-F1, per-class recall and the confusion matrix, beside the two baselines
 * (majority class, prior-weighted random guess). Optionally against a ground truth that knows each
 * image's category (the synthetic archive): predictions and labels are mapped to categories
 * through the training images, and scored there too.
 *
 * Files, in artifacts/evaluation/: `<level>.json` (everything, the confusion counts included) and
 * `<level>-confusion.svg` (the heat map). The digest hashes the JSON, which holds no timings.
 */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { MissingStageError, OptionsError } from '../util/errors.js';
import type { TopicLevel } from '../topics/stage.js';
import { readLevelDataset } from '../datasets/level.js';
import { loadManifestEntries, readManifest } from '../training/manifest.js';
import { ImageClassifier } from '../training/image-classifier.js';
import { IMAGE_MODEL_FILE, readImageModelDescription } from '../training/image-model-file.js';
import { sha256FileSync } from '../store/artifacts.js';
import { argmax, classificationMetrics, type ClassificationMetrics } from './metrics.js';
import { baselines, type Baselines } from './baselines.js';
import { confusionSvg } from './confusion-chart.js';
import { codeDigest } from '../util/code-digest.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('evaluation', 'datasets', 'training', 'store', 'util');

export interface EvaluateOptions {
  level: TopicLevel;
  /** Folder of the network (default: the workspace's model of the level, artifacts/models/<level>). */
  modelDir?: string;
  /** Ground truth: image id (SOP instance UID) -> category. */
  truth?: ReadonlyMap<string, string>;
  threads?: number;
  /** Seed of the random baseline's draws. Default 1. */
  seed?: number;
}

export interface TruthScore {
  /** Categories among the test images. */
  categories: number;
  /** Predictions mapped to a category (each label's most common category among its training images), against the image's own. */
  top1: number;
  /** The same mapping applied to the test images' true labels: the best a perfect topic classifier can score. */
  ceiling: number;
  /** Always answering the most common training category. */
  majorityTop1: number;
  /** Test images with a category in the truth. */
  images: number;
}

export interface LevelEvaluation extends Omit<ClassificationMetrics, 'confusion'> {
  level: TopicLevel;
  modelDir: string;
  datasetDigest: string;
  baselines: Baselines;
  /** Test images the loader could not read (listed by index in the manifest). */
  rejected: number;
  truth?: TruthScore;
  json: string;
  svg: string;
  digest: string;
}

export const evaluateStage = (level: TopicLevel): string => `evaluate:${level}`;

/** Default model folder of a level in the workspace. */
export function levelModelDir(ws: Workspace, level: TopicLevel): string {
  return ws.artifactPath('models', level);
}

function mostCommon(values: Iterable<string>): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

/** Scores predictions against a truth of categories (see TruthScore). */
export function truthScore(train: Array<{ id: string; label: string }>, test: Array<{ id: string; label: string; predicted: string }>, truth: ReadonlyMap<string, string>): TruthScore {
  const byLabel = new Map<string, string[]>();
  for (const e of train) {
    const c = truth.get(e.id);
    if (c === undefined) continue;
    const list = byLabel.get(e.label) ?? [];
    list.push(c);
    byLabel.set(e.label, list);
  }
  const categoryOf = new Map([...byLabel].map(([l, cs]) => [l, mostCommon(cs)!]));
  const majority = mostCommon(train.map((e) => truth.get(e.id)).filter((c): c is string => c !== undefined));
  let n = 0;
  let hit = 0;
  let ceiling = 0;
  let major = 0;
  const seen = new Set<string>();
  for (const e of test) {
    const c = truth.get(e.id);
    if (c === undefined) continue;
    n++;
    seen.add(c);
    if (categoryOf.get(e.predicted) === c) hit++;
    if (categoryOf.get(e.label) === c) ceiling++;
    if (majority === c) major++;
  }
  return { categories: seen.size, top1: n ? hit / n : 0, ceiling: n ? ceiling / n : 0, majorityTop1: n ? major / n : 0, images: n };
}

export async function evaluateLevel(ws: Workspace, o: EvaluateOptions): Promise<LevelEvaluation> {
  const level = o.level;
  const info = readLevelDataset(ws, level);
  if (info === undefined) throw new MissingStageError(`no ${level}-level dataset in the workspace`, { stage: 'dataset', level });
  const modelDir = o.modelDir ?? levelModelDir(ws, level);
  if (!existsSync(path.join(modelDir, IMAGE_MODEL_FILE))) throw new MissingStageError(`no ${level}-level network in ${modelDir} (or give option \`modelDir\`)`, { stage: 'train', level });
  const meta = readImageModelDescription(modelDir).description;
  const classes = meta.classNames;
  if (meta.head !== 'softmax' || classes.join('\u0001') !== info.classes.keptLabels.join('\u0001')) {
    throw new OptionsError(`the network in ${modelDir} knows ${classes.length} classes, the ${level}-level dataset has ${info.classes.kept} others: train it again on this dataset`);
  }
  // A network trained on another version of the dataset (another split) may have trained on these test images.
  const trainedOn = meta.facts['datasetDigest'];
  if (o.modelDir === undefined && typeof trainedOn === 'string' && trainedOn !== info.digest) {
    throw new MissingStageError(`the ${level}-level network was trained on an earlier version of the ${level}-level dataset`, { stage: 'train', level, stale: true });
  }
  const entries = readManifest(info.manifest);
  const [, , c] = meta.inputShape;
  const test = await loadManifestEntries(entries, path.dirname(info.manifest), { size: meta.imageSize, channels: c === 3 ? 3 : 1, fit: meta.fit, filter: (e) => e.split === 'test' });
  if (test.data.numImages === 0) throw new OptionsError(`the ${level}-level dataset has no readable test images (${test.rejects.length} rejected)`);
  const model = await ImageClassifier.load(modelDir);
  let logits: Float32Array;
  try {
    logits = await model.outputs(test.data, o.threads !== undefined ? { threads: o.threads } : {});
  } finally {
    model.dispose();
  }
  const labels = test.data.labels!;
  const metrics = classificationMetrics(logits, labels, classes);
  const trainCounts = classes.map((l) => info.perClass.find((p) => p.label === l)?.train ?? 0);
  const base = baselines(trainCounts, labels, classes, { seed: o.seed ?? 1 });

  let truth: TruthScore | undefined;
  if (o.truth !== undefined) {
    const K = classes.length;
    const testRows = test.kept.map((index, i) => {
      const e = entries[index]!;
      return { id: String(e.id), label: String(e.label), predicted: classes[argmax(logits.subarray(i * K, (i + 1) * K))]! };
    });
    truth = truthScore(entries.filter((e) => e.split === 'train').map((e) => ({ id: String(e.id), label: String(e.label) })), testRows, o.truth);
  }

  const dir = path.dirname(ws.artifactPath('evaluation', 'x'));
  const json = path.join(dir, `${level}.json`);
  const svg = path.join(dir, `${level}-confusion.svg`);
  const record = {
    level, modelDir: path.relative(ws.dir, modelDir) || modelDir, datasetDigest: info.digest,
    ...metrics, baselines: base, rejected: test.rejects.length, ...(truth ? { truth } : {}),
  };
  const content = JSON.stringify(record);
  writeFileSync(json, content);
  writeFileSync(svg, await confusionSvg(metrics.confusion, classes, { title: `${level} level: confusion on ${metrics.images} test images (rows: true topic)` }));
  const digest = createHash('sha256').update(content).digest('hex');
  ws.recordStage(evaluateStage(level), { modelDir: record.modelDir }, `${info.digest}:${sha256FileSync(path.join(modelDir, IMAGE_MODEL_FILE))}`, CODE(),
    { top1: metrics.top1, top5: metrics.top5, macroF1: metrics.macroF1, images: metrics.images, digest }, { artifacts: [json, svg] });
  const { confusion: _confusion, ...rest } = metrics;
  return { ...rest, level, modelDir, datasetDigest: info.digest, baselines: base, rejected: test.rejects.length, ...(truth ? { truth } : {}), json, svg, digest };
}
