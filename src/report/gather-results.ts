/**
 * Table 3 and Figure 5 (each level's network on its test split: the file `pacsmine evaluate
 * --level L` wrote, the same numbers its --json printed), the level's dataset (what `pacsmine
 * dataset --json` printed), and every trained network's loss and accuracy per epoch (the `epochs`
 * of its stage record: `train:<level>`, and any other stage that recorded epochs, such as the
 * regression network).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import type { TopicLevel } from '../topics/stage.js';
import type { Baselines } from '../evaluation/baselines.js';
import type { TruthScore } from '../evaluation/evaluate.js';
import type { ClassificationMetrics } from '../evaluation/metrics.js';
import type { LevelDatasetInfo } from '../datasets/level.js';
import type { EpochRecord } from '../training/trainer.js';
import { notRun, type Section } from './section.js';

/** What `pacsmine evaluate` measured on a level's test split, with what the report adds beside it. */
export interface ClassificationReport extends ClassificationMetrics {
  level: TopicLevel;
  baselines: Baselines;
  truth: TruthScore | null;
  /** The level's dataset: classes kept of all, images per split. */
  dataset: { classesTotal: number; classesKept: number; train: number; validation: number; test: number } | null;
  digest: string;
}

export interface TrainingCurve {
  stage: string;
  epochs: Array<Pick<EpochRecord, 'epoch' | 'trainLoss' | 'valLoss' | 'valAccuracy'>>;
  bestEpoch: number | null;
  numTrain: number | null;
}

function readDataset(ws: Workspace, level: TopicLevel): ClassificationReport['dataset'] {
  if (!ws.stageRecord(`dataset:${level}`) || ws.artifactProblem(`dataset:${level}`) !== undefined) return null;
  const d = JSON.parse(readFileSync(ws.artifactPath('datasets', `${level}.dataset.json`), 'utf8')) as LevelDatasetInfo;
  return { classesTotal: d.classes.total, classesKept: d.classes.kept, train: d.images.train, validation: d.images.validation, test: d.images.test };
}

export function gatherClassification(ws: Workspace, level: TopicLevel): Section<ClassificationReport> {
  const stage = `evaluate:${level}`;
  const record = ws.stageRecord(stage);
  const run = `\`pacsmine dataset --level ${level}\`, \`pacsmine train --level ${level}\` (or --chain) and \`pacsmine evaluate --level ${level}\``;
  if (!record) return notRun(`no ${level}-level network evaluated: run ${run}`);
  const problem = ws.artifactProblem(stage);
  if (problem !== undefined) return notRun(`the ${level}-level evaluation changed on disk (${problem}): run \`pacsmine evaluate --level ${level}\` again`);
  const e = JSON.parse(readFileSync(path.join(path.dirname(ws.artifactPath('evaluation', 'x')), `${level}.json`), 'utf8')) as
    ClassificationReport & { truth?: TruthScore };
  return {
    status: 'ok', level, images: e.images, classes: e.classes, top1: e.top1, top5: e.top5, macroF1: e.macroF1, perClass: e.perClass,
    confusion: e.confusion, baselines: e.baselines, truth: e.truth ?? null, dataset: readDataset(ws, level),
    digest: (record.summary as { digest: string }).digest,
  };
}

/** Every stage record with per-epoch numbers, in the order the stages finished. */
export function gatherTraining(ws: Workspace): TrainingCurve[] {
  const stages = ws.db.prepare('SELECT stage FROM stages ORDER BY finished_at, stage').pluck().all() as string[];
  const out: TrainingCurve[] = [];
  for (const stage of stages) {
    const s = ws.stageRecord(stage)?.summary as { epochs?: unknown; bestEpoch?: unknown; numTrain?: unknown } | null;
    if (!s || !Array.isArray(s.epochs) || s.epochs.length === 0) continue;
    const epochs = (s.epochs as EpochRecord[]).filter((e) => typeof e?.epoch === 'number' && typeof e.trainLoss === 'number')
      .map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, ...(e.valLoss !== undefined ? { valLoss: e.valLoss } : {}), ...(e.valAccuracy !== undefined ? { valAccuracy: e.valAccuracy } : {}) }));
    if (epochs.length) out.push({ stage, epochs, bestEpoch: typeof s.bestEpoch === 'number' ? s.bestEpoch : null, numTrain: typeof s.numTrain === 'number' ? s.numTrain : null });
  }
  return out;
}
