/**
 * `pacsmine classify IMAGE...`: each image's most likely topics at every level with a trained
 * network in the workspace, with each topic's keywords (its top LDA words), as the paper's
 * Figures 3 and 4 show a topic by its words. Images are fitted as in training (padded) and
 * centre-cropped as in validation. An unreadable image is listed with the reason; the others go on.
 */
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { TOPIC_LEVELS, type TopicLevel } from '../topics/stage.js';
import { MissingStageError, describeError } from '../util/errors.js';
import { loadManifestEntries } from './manifest.js';
import { trainedModelDir } from './chain.js';
import { ImageClassifier } from './image-classifier.js';

export interface TopicGuess {
  label: string;
  probability: number;
  keywords: string[];
}

export interface ImageClassification {
  image: string;
  levels: Partial<Record<TopicLevel, TopicGuess[]>>;
}

export interface ClassifyResult {
  images: ImageClassification[];
  rejected: Array<{ image: string; reason: string }>;
  levels: TopicLevel[];
}

function keywordsOf(ws: Workspace, level: TopicLevel, count: number): Map<string, string[]> {
  const has = ws.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'topics'").pluck().get() as number;
  if (!has) return new Map();
  const rows = ws.db.prepare('SELECT label, top_words FROM topics WHERE level = ?').all(level) as Array<{ label: string; top_words: string }>;
  return new Map(rows.map((r) => [r.label, (JSON.parse(r.top_words) as string[]).slice(0, count)]));
}

export async function classifyImages(ws: Workspace, files: readonly string[], options: { top?: number; keywords?: number; threads?: number } = {}): Promise<ClassifyResult> {
  const top = options.top ?? 5;
  const levels = TOPIC_LEVELS.filter((l) => trainedModelDir(ws, l) !== undefined);
  if (levels.length === 0) throw new MissingStageError('no trained level networks in the workspace', { stage: 'train' });
  const images: ImageClassification[] = files.map((f) => ({ image: f, levels: {} }));
  const rejected = new Map<number, string>();
  const entries = files.map((f) => ({ path: path.resolve(f) }));
  for (const level of levels) {
    const model = await ImageClassifier.load(trainedModelDir(ws, level)!);
    try {
      const d = model.description;
      const loaded = await loadManifestEntries(entries, process.cwd(), { size: d.imageSize, channels: d.inputShape[2] === 3 ? 3 : 1, unlabelled: true, fit: d.fit });
      for (const r of loaded.rejects) rejected.set(r.index, r.reason);
      if (loaded.data.numImages === 0) continue;
      const guesses = await model.infer(loaded.data, { top, ...(options.threads !== undefined ? { threads: options.threads } : {}) });
      const words = keywordsOf(ws, level, options.keywords ?? 10);
      loaded.kept.forEach((index, i) => {
        images[index]!.levels[level] = guesses[i]!.map((g) => ({ ...g, keywords: words.get(g.label) ?? [] }));
      });
    } finally {
      model.dispose();
    }
  }
  return {
    images: images.filter((_, i) => !rejected.has(i)),
    rejected: [...rejected].sort(([a], [b]) => a - b).map(([i, reason]) => ({ image: files[i]!, reason: describeError(reason) })),
    levels,
  };
}
