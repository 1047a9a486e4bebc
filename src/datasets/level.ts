/**
 * A level's training set (stage `dataset:<level>`, `pacsmine dataset --level L`): every key-image
 * PNG with its topic label at that level and its split (the workspace's one split, shared by the
 * levels); classes with fewer than `minTrain` training images dropped, as the paper dropped topics
 * too small to divide (it kept 60 of 80 document topics, 385 second-level and 717 sentence-level);
 * the imbalance measured and the class weights chosen.
 *
 * Files, in artifacts/datasets/: `<level>.json`, the manifest `pacsmine train` reads
 * ([{path, label, split, id}], id = the image's SOP instance UID), and `<level>.dataset.json`,
 * this summary (classes kept and dropped, counts per split, class weights).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { MissingStageError, OptionsError } from '../util/errors.js';
import { TOPIC_LEVELS, type TopicLevel } from '../topics/stage.js';
import { ensureSplit, type SplitSummary } from './workspace-split.js';
import { PAPER_FRACTIONS, parseFractions, type SplitFractions, type SplitName } from './split.js';
import { classWeights, DEFAULT_BALANCE, DEFAULT_BALANCE_POWER, imbalance, type BalanceMode, type ImbalanceReport } from './balance.js';
import { codeDigest } from '../util/code-digest.js';
import { applyReviewDecisions, type AppliedReview } from './review-decisions.js';

/** The code this stage's output depends on (the src folders it imports): a change there makes its record stale. */
const CODE = (): string => codeDigest('datasets', 'store', 'util');

export interface LevelDatasetOptions {
  level: TopicLevel;
  /** Classes with fewer training images are dropped. Default 10. */
  minTrain?: number;
  /** Train, validation and test fractions, or their text ("85,5,10", "0.85,0.05,0.1"). Default the paper's 85/5/10. */
  fractions?: SplitFractions | string;
  /** Seed of the split (the split is shared: every level must use the same). Default 1. */
  seed?: number;
  balance?: BalanceMode;
  balancePower?: number;
}

export interface LevelDatasetEntry {
  path: string;
  label: string;
  split: SplitName;
  /** The image's SOP instance UID. */
  id: string;
}

export interface LevelDatasetInfo {
  level: TopicLevel;
  /** The manifest file (absolute). */
  manifest: string;
  /** This summary's own file. */
  file: string;
  split: SplitSummary;
  minTrain: number;
  classes: {
    /** Classes with a label at this level (before the minimum). */
    total: number;
    kept: number;
    dropped: number;
    /** Kept classes, sorted (the networks' class order). */
    keptLabels: string[];
    droppedLabels: Array<{ label: string; train: number }>;
  };
  /** Images per split of the kept classes, and images dropped with their classes. */
  images: Record<SplitName, number> & { dropped: number; unlabelled: number };
  /** Per kept class: images in each split. */
  perClass: Array<{ label: string; train: number; validation: number; test: number }>;
  imbalance: ImbalanceReport;
  balance: { mode: BalanceMode; power: number; classWeights: Record<string, number> };
  /** The clinician review decisions applied (`pacsmine serve`, review-decisions.ts): relabels, merges, rejections, names. */
  review: AppliedReview;
  digest: string;
  upToDate?: boolean;
}

export const datasetStage = (level: TopicLevel): string => `dataset:${level}`;

/** Each key-image PNG with its label at `level` (the lowest key-image row's, as keyImageManifest). */
function labelledImages(ws: Workspace, level: TopicLevel): Array<{ sop: string; path: string; label: string | null }> {
  const has = ws.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'topic_labels'").pluck().get() as number;
  if (!has) throw new MissingStageError(`a ${level}-level dataset needs topic labels`, { stage: 'topics', level });
  return ws.db.prepare(`
    SELECT p.sop_instance_uid AS sop, p.path AS path,
      (SELECT t.label FROM links l JOIN topic_labels t ON t.key_image_id = l.key_image_id AND t.level = ?
        WHERE l.sop_instance_uid = p.sop_instance_uid ORDER BY l.key_image_id LIMIT 1) AS label
    FROM key_image_png p JOIN dataset_splits s ON s.sop_instance_uid = p.sop_instance_uid
    ORDER BY p.sop_instance_uid`).all(level) as Array<{ sop: string; path: string; label: string | null }>;
}

/** Builds (or reuses) the level's dataset and writes its manifest and summary. */
export function buildLevelDataset(ws: Workspace, options: LevelDatasetOptions): LevelDatasetInfo {
  const level = options.level;
  if (!TOPIC_LEVELS.includes(level)) throw new OptionsError(`option \`level\` must be one of ${TOPIC_LEVELS.join(', ')}, got ${String(level)}`);
  const minTrain = options.minTrain ?? 10;
  if (!(Number.isInteger(minTrain) && minTrain >= 1)) throw new OptionsError(`the minimum training images per class must be an integer ≥ 1, got ${minTrain}`);
  const mode = options.balance ?? DEFAULT_BALANCE;
  const power = options.balancePower ?? DEFAULT_BALANCE_POWER;
  const split = ensureSplit(ws, { fractions: typeof options.fractions === 'string' ? parseFractions(options.fractions) : options.fractions ?? PAPER_FRACTIONS, seed: options.seed ?? 1 });

  const { rows, review } = applyReviewDecisions(ws, level, labelledImages(ws, level));
  const splitOf = new Map((ws.db.prepare('SELECT sop_instance_uid AS sop, split FROM dataset_splits').all() as Array<{ sop: string; split: SplitName }>).map((r) => [r.sop, r.split]));
  const counts = new Map<string, Record<SplitName, number>>();
  let unlabelled = 0;
  for (const r of rows) {
    if (r.label === null) {
      unlabelled++;
      continue;
    }
    const c = counts.get(r.label) ?? { train: 0, validation: 0, test: 0 };
    c[splitOf.get(r.sop)!]++;
    counts.set(r.label, c);
  }
  const labels = [...counts.keys()].sort();
  const kept = labels.filter((l) => counts.get(l)!.train >= minTrain);
  if (kept.length < 2) {
    throw new OptionsError(`${level} level: ${kept.length} of ${labels.length} classes have at least ${minTrain} training images; a classifier needs 2 (lower option \`minTrain\`, or label more images)`);
  }
  const keptSet = new Set(kept);
  const entries: LevelDatasetEntry[] = [];
  const images = { train: 0, validation: 0, test: 0, dropped: 0, unlabelled };
  for (const r of rows) {
    if (r.label === null) continue;
    if (!keptSet.has(r.label)) {
      images.dropped++;
      continue;
    }
    const s = splitOf.get(r.sop)!;
    images[s]++;
    entries.push({ path: r.path, label: r.label, split: s, id: r.sop });
  }
  const trainCounts = kept.map((l) => counts.get(l)!.train);
  const weights = mode === 'none' ? kept.map(() => 1) : classWeights(trainCounts, power);
  const hash = createHash('sha256');
  for (const e of entries) hash.update(`${e.id}\0${e.label}\0${e.split}\n`);
  hash.update(JSON.stringify({ mode, power, weights }));

  const dir = path.dirname(ws.artifactPath('datasets', 'x'));
  const manifest = path.join(dir, `${level}.json`);
  const file = path.join(dir, `${level}.dataset.json`);
  const info: LevelDatasetInfo = {
    level, manifest, file, split, minTrain,
    classes: {
      total: labels.length, kept: kept.length, dropped: labels.length - kept.length, keptLabels: kept,
      droppedLabels: labels.filter((l) => !keptSet.has(l)).map((l) => ({ label: l, train: counts.get(l)!.train })),
    },
    images,
    perClass: kept.map((l) => ({ label: l, ...counts.get(l)! })),
    imbalance: imbalance(kept.map((l, i) => ({ label: l, images: trainCounts[i]! }))),
    balance: { mode, power, classWeights: Object.fromEntries(kept.map((l, i) => [l, weights[i]!])) },
    review,
    digest: hash.digest('hex'),
  };
  delete info.split.upToDate;
  writeFileSync(manifest, JSON.stringify(entries));
  writeFileSync(file, JSON.stringify(info, null, 1));
  ws.recordStage(datasetStage(level), { minTrain, mode, power, split: { fractions: split.fractions, seed: split.seed } }, info.digest, CODE(),
    { classesKept: kept.length, classesDropped: info.classes.dropped, images, reviewDecisions: review.applied, digest: info.digest }, { artifacts: [manifest, file] });
  return info;
}

/** The level's dataset summary as last built (undefined when `pacsmine dataset --level L` has not run). */
export function readLevelDataset(ws: Workspace, level: TopicLevel): LevelDatasetInfo | undefined {
  if (ws.stageRecord(datasetStage(level)) === undefined) return undefined;
  const problem = ws.artifactProblem(datasetStage(level));
  if (problem !== undefined) throw new MissingStageError(`the ${level}-level dataset changed on disk (${problem})`, { stage: 'dataset', level, stale: true });
  return JSON.parse(readFileSync(ws.artifactPath('datasets', `${level}.dataset.json`), 'utf8')) as LevelDatasetInfo;
}
