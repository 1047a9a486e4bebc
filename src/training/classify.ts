/**
 * `pacsmine classify IMAGE...`: each image's most likely topics at every level with a trained
 * network in the workspace, with each topic's keywords (its top LDA words), as the paper's
 * Figures 3 and 4 show a topic by its words. Images are fitted as in training (padded) and
 * centre-cropped as in validation. An unreadable image is listed with the reason; the others go on.
 */
import { createHash } from 'node:crypto';
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
  /** Hash of the images' guesses and the rejects: equal for equal output, in process or on the queue. */
  digest: string;
}

function keywordsOf(ws: Workspace, level: TopicLevel, count: number): Map<string, string[]> {
  const has = ws.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'topics'").pluck().get() as number;
  if (!has) return new Map();
  const rows = ws.db.prepare('SELECT label, top_words FROM topics WHERE level = ?').all(level) as Array<{ label: string; top_words: string }>;
  return new Map(rows.map((r) => [r.label, (JSON.parse(r.top_words) as string[]).slice(0, count)]));
}

/** A level's trained network: its folder, readable by whoever runs it. */
export interface LevelNetwork {
  level: TopicLevel;
  dir: string;
}

/** The workspace's trained level networks (a queue worker gets these folders, not the workspace). */
export function classifierNetworks(ws: Workspace): LevelNetwork[] {
  const levels = TOPIC_LEVELS.filter((l) => trainedModelDir(ws, l) !== undefined);
  if (levels.length === 0) throw new MissingStageError('no trained level networks in the workspace', { stage: 'train' });
  return levels.map((level) => ({ level, dir: trainedModelDir(ws, level)! }));
}

/** Top guesses per level for image files, by index, without the topics' keywords: the part that needs only the networks. */
export interface FileGuesses {
  guesses: Array<Partial<Record<TopicLevel, Array<{ label: string; probability: number }>>>>;
  /** Unreadable images by index (the loader's reason). */
  rejected: Map<number, string>;
}

/** Runs each level's network over the files: the work a queue worker does for a batch. */
export async function guessTopics(networks: readonly LevelNetwork[], files: readonly string[], options: { top?: number; threads?: number } = {}): Promise<FileGuesses> {
  const top = options.top ?? 5;
  const guesses: FileGuesses['guesses'] = files.map(() => ({}));
  const rejected = new Map<number, string>();
  const entries = files.map((f) => ({ path: path.resolve(f) }));
  for (const { level, dir } of networks) {
    const model = await ImageClassifier.load(dir);
    try {
      const d = model.description;
      const loaded = await loadManifestEntries(entries, process.cwd(), { size: d.imageSize, channels: d.inputShape[2] === 3 ? 3 : 1, unlabelled: true, fit: d.fit });
      for (const r of loaded.rejects) rejected.set(r.index, r.reason);
      if (loaded.data.numImages === 0) continue;
      const g = await model.infer(loaded.data, { top, ...(options.threads !== undefined ? { threads: options.threads } : {}) });
      loaded.kept.forEach((index, i) => {
        guesses[index]![level] = g[i]!.map((x) => ({ label: x.label, probability: x.probability }));
      });
    } finally {
      model.dispose();
    }
  }
  return { guesses, rejected };
}

/**
 * The result from the networks' guesses: each topic's keywords (from the workspace's topics), the
 * rejects in input order, and the digest (of images, guesses and rejects: no timings, so a queue
 * run and an in-process run compare).
 */
export function classifyResult(ws: Workspace, networks: readonly LevelNetwork[], files: readonly string[], g: FileGuesses, keywords = 10): ClassifyResult {
  const words = new Map(networks.map((n) => [n.level, keywordsOf(ws, n.level, keywords)]));
  const images: ImageClassification[] = [];
  files.forEach((image, i) => {
    if (g.rejected.has(i)) return;
    const levels: ImageClassification['levels'] = {};
    for (const n of networks) {
      const guesses = g.guesses[i]?.[n.level];
      if (guesses) levels[n.level] = guesses.map((x) => ({ ...x, keywords: words.get(n.level)?.get(x.label) ?? [] }));
    }
    images.push({ image, levels });
  });
  const rejected = [...g.rejected].sort(([a], [b]) => a - b).map(([i, reason]) => ({ image: files[i]!, reason: describeError(reason) }));
  const levels = networks.map((n) => n.level);
  return { images, rejected, levels, digest: createHash('sha256').update(JSON.stringify([images, rejected, levels])).digest('hex') };
}

export async function classifyImages(ws: Workspace, files: readonly string[], options: { top?: number; keywords?: number; threads?: number } = {}): Promise<ClassifyResult> {
  const networks = classifierNetworks(ws);
  const g = await guessTopics(networks, files, options);
  return classifyResult(ws, networks, files, g, options.keywords ?? 10);
}
