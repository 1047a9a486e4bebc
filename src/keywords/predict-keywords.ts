/**
 * Word prediction from images as retrieval (Section 5.4). For an image, the three topic
 * classifiers give its topic at each level; each topic's top 50 LDA words are the candidates; each
 * candidate's word vector is matched by cosine against the first and the second half of the
 * regression output (the two words of a bigram), and a candidate scores its better half. The best
 * candidate per level is the image's keyword at that level: three keywords per image (Figure 8).
 *
 * The regression output compared is the network's logits ẑ: the network learns g(ẑ) ≈ g(Z), so ẑ
 * estimates the word vectors Z themselves (targets.ts).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import type { WordVectors } from '../embeddings/vectors.js';
import { loadWorkspaceVectors } from '../embeddings/stage.js';
import { TOPIC_LEVELS, type TopicLevel } from '../topics/stage.js';
import { MissingStageError, OptionsError, describeError } from '../util/errors.js';
import { levelModelDir } from '../evaluation/evaluate.js';
import { argmax } from '../evaluation/metrics.js';
import { loadManifestEntries, type ManifestEntry } from '../training/manifest.js';
import { ImageClassifier } from '../training/image-classifier.js';
import { ImageRegressor } from '../training/image-regressor.js';
import type { ImageModel } from '../training/image-model.js';
import { CLASSIFIER_KIND, IMAGE_MODEL_FILE, readImageModelDescription, type ImageModelDescription } from '../training/image-model-file.js';
import { existsSync } from 'node:fs';
import { regressionModelDir } from './regress.js';

/** The paper's candidates per topic. */
export const TOP_WORDS = 50;

/** Cosine similarity of two vectors of one length (0 when either is all zeros). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number, y = b[i] as number;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

export interface RankedWord {
  word: string;
  /** The better of its cosines against the output's two halves. */
  cosine: number;
  /** Which half it matched best: 0 the bigram's first word, 1 its second. */
  half: 0 | 1;
}

/**
 * Candidates ranked by their best cosine against either half of a 2·D output (ties keep the
 * candidates' order); candidates without a vector are left out, repeats counted once.
 */
export function rankCandidates(output: ArrayLike<number>, candidates: readonly string[], vectors: WordVectors): RankedWord[] {
  const D = vectors.vectorSize;
  if (output.length !== 2 * D) throw new OptionsError(`the regression output has ${output.length} values; the word vectors need ${2 * D} (2 × ${D}): train the regression again on these vectors`);
  const first = Array.prototype.slice.call(output, 0, D) as number[];
  const second = Array.prototype.slice.call(output, D) as number[];
  const seen = new Set<string>();
  const out: Array<RankedWord & { order: number }> = [];
  candidates.forEach((word, order) => {
    if (seen.has(word) || !vectors.has(word)) return;
    seen.add(word);
    const v = vectors.vector(word);
    const c0 = cosine(first, v), c1 = cosine(second, v);
    out.push({ word, cosine: Math.max(c0, c1), half: c1 > c0 ? 1 : 0, order });
  });
  return out.sort((a, b) => b.cosine - a.cosine || a.order - b.order).map(({ order: _o, ...r }) => r);
}

/**
 * Each topic's top words at a level (label -> words, the topic's own order). A second-level topic
 * without words of its own (its document topic was not divided: one sub-topic) takes its parent's.
 */
export function topicWords(ws: Workspace, level: TopicLevel, count = TOP_WORDS): Map<string, string[]> {
  const has = ws.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'topics'").pluck().get() as number;
  if (!has) throw new MissingStageError('the workspace has no topics', { stage: 'topics' });
  const rows = ws.db.prepare('SELECT label, parent, top_words FROM topics WHERE level = ?').all(level) as Array<{ label: string; parent: number; top_words: string }>;
  const parentWords = ws.db.prepare("SELECT top_words FROM topics WHERE level = 'document' AND topic = ?").pluck();
  return new Map(rows.map((r) => {
    let words = JSON.parse(r.top_words) as string[];
    if (words.length === 0 && level === 'second') words = JSON.parse((parentWords.get(r.parent) as string | undefined) ?? '[]') as string[];
    return [r.label, words.slice(0, count)];
  }));
}

/** One level's keyword for an image. */
export interface LevelKeyword {
  level: TopicLevel;
  /** The topic the level's classifier gave the image. */
  topic: string;
  /** The candidate nearest the regression output (null when no candidate has a word vector). */
  keyword: string | null;
  cosine: number | null;
}

export interface ImageKeywords {
  image: string;
  keywords: LevelKeyword[];
}

export interface KeywordsResult {
  images: ImageKeywords[];
  rejected: Array<{ image: string; reason: string }>;
  levels: TopicLevel[];
  /** Hash of the images' keywords and the rejects: equal for equal output, in process or on the queue. */
  digest: string;
}

/** The trained classifier networks of the workspace, with their descriptions. */
export function levelNetworks(ws: Workspace): Array<{ level: TopicLevel; dir: string; meta: ImageModelDescription }> {
  return TOPIC_LEVELS.map((level) => ({ level, dir: levelModelDir(ws, level) }))
    .filter((n) => existsSync(path.join(n.dir, IMAGE_MODEL_FILE)))
    .map((n) => ({ ...n, ...readImageModelDescription(n.dir) }))
    .filter((n) => n.kind === CLASSIFIER_KIND)
    .map(({ level, dir, description }) => ({ level, dir, meta: description }));
}

/** Loads images as a network expects them; unreadable ones are reported by index. */
async function loadFor(meta: ImageModelDescription, entries: ManifestEntry[]) {
  return loadManifestEntries(entries, process.cwd(), { size: meta.imageSize, channels: meta.inputShape[2] === 3 ? 3 : 1, unlabelled: true, fit: meta.fit });
}

/** A saved model's outputs for `data`; the model is freed afterwards. */
async function outputsOf(model: ImageModel, data: Parameters<ImageModel['outputs']>[0], threads: number | undefined): Promise<Float32Array> {
  try {
    return await model.outputs(data, threads !== undefined ? { threads } : {});
  } finally {
    model.dispose();
  }
}

/** Each image's topic at every level with a trained classifier (undefined where its file could not be read). */
export async function predictTopics(ws: Workspace, files: readonly string[], options: { threads?: number } = {}): Promise<{ levels: TopicLevel[]; topics: Array<Partial<Record<TopicLevel, string>>>; rejected: Map<number, string> }> {
  const networks = topicNetworks(ws);
  return { levels: networks.map((n) => n.level), ...(await predictTopicsWith(networks, files, options)) };
}

/** The workspace's topic classifiers (folders); an error when there is none. */
export function topicNetworks(ws: Workspace): Array<{ level: TopicLevel; dir: string }> {
  const networks = levelNetworks(ws).map(({ level, dir }) => ({ level, dir }));
  if (networks.length === 0) throw new OptionsError('no trained topic classifiers in the workspace: train the three-level classifier chain first (the train stage)');
  return networks;
}

/** Each image's topic through these classifier folders: needs the networks, not the workspace (a queue worker runs it). */
export async function predictTopicsWith(networks: ReadonlyArray<{ level: TopicLevel; dir: string }>, files: readonly string[], options: { threads?: number } = {}): Promise<{ topics: Array<Partial<Record<TopicLevel, string>>>; rejected: Map<number, string> }> {
  const entries = files.map((f) => ({ path: path.resolve(f) }));
  const topics: Array<Partial<Record<TopicLevel, string>>> = files.map(() => ({}));
  const rejected = new Map<number, string>();
  for (const n of networks) {
    const meta = readImageModelDescription(n.dir).description;
    const loaded = await loadFor(meta, entries);
    for (const r of loaded.rejects) rejected.set(r.index, r.reason);
    if (loaded.data.numImages === 0) continue;
    const K = meta.classNames.length;
    const logits = await outputsOf(await ImageClassifier.load(n.dir), loaded.data, options.threads);
    loaded.kept.forEach((index, i) => { topics[index]![n.level] = meta.classNames[argmax(logits.subarray(i * K, (i + 1) * K))]!; });
  }
  return { topics, rejected };
}

/** The workspace's regression network folder; an error when there is none. */
export function regressionNetwork(ws: Workspace): string {
  const dir = regressionModelDir(ws);
  if (!existsSync(path.join(dir, IMAGE_MODEL_FILE))) throw new MissingStageError('no regression network in the workspace', { stage: 'regress' });
  return dir;
}

/** Regression outputs (logits) for image files, through the workspace's regression network. */
export async function regressionOutputsFor(ws: Workspace, files: readonly string[], options: { threads?: number } = {}): Promise<{ outputs: Array<Float32Array | undefined>; dim: number; rejected: Map<number, string> }> {
  return regressionOutputsWith(regressionNetwork(ws), files, options);
}

/** Regression outputs through this network folder (no workspace: a queue worker runs it). */
export async function regressionOutputsWith(dir: string, files: readonly string[], options: { threads?: number } = {}): Promise<{ outputs: Array<Float32Array | undefined>; dim: number; rejected: Map<number, string> }> {
  const meta = readImageModelDescription(dir).description;
  const loaded = await loadFor(meta, files.map((f) => ({ path: path.resolve(f) })));
  const rejected = new Map(loaded.rejects.map((r) => [r.index, r.reason]));
  const outputs: Array<Float32Array | undefined> = files.map(() => undefined);
  if (loaded.data.numImages > 0) {
    const all = await outputsOf(await ImageRegressor.load(dir), loaded.data, options.threads);
    const dim = all.length / loaded.data.numImages;
    loaded.kept.forEach((index, i) => { outputs[index] = all.slice(i * dim, (i + 1) * dim); });
  }
  return { outputs, dim: meta.numOutputs, rejected };
}

/** Matches topic words against regression outputs: the keyword step alone, for outputs already computed. */
export class KeywordMatcher {
  readonly vectors: WordVectors;
  readonly #words: Map<TopicLevel, Map<string, string[]>>;

  constructor(vectors: WordVectors, words: Map<TopicLevel, Map<string, string[]>>) {
    this.vectors = vectors;
    this.#words = words;
  }

  /** The workspace's word vectors and every level's topic words (top `count`). */
  static fromWorkspace(ws: Workspace, count = TOP_WORDS): KeywordMatcher {
    return new KeywordMatcher(loadWorkspaceVectors(ws), new Map(TOPIC_LEVELS.map((l) => [l, topicWords(ws, l, count)])));
  }

  /** The topic's candidate words (its top words, in topic order; [] for an unknown topic). */
  candidates(level: TopicLevel, topic: string): string[] {
    return this.#words.get(level)?.get(topic) ?? [];
  }

  /** Every candidate of the topic ranked against the output. */
  rank(level: TopicLevel, topic: string, output: ArrayLike<number>): RankedWord[] {
    return rankCandidates(output, this.candidates(level, topic), this.vectors);
  }

  /** The best candidate at each level that has a topic. */
  keywords(topics: Partial<Record<TopicLevel, string>>, output: ArrayLike<number>): LevelKeyword[] {
    const out: LevelKeyword[] = [];
    for (const level of TOPIC_LEVELS) {
      const topic = topics[level];
      if (topic === undefined) continue;
      const best = this.rank(level, topic, output)[0];
      out.push({ level, topic, keyword: best?.word ?? null, cosine: best?.cosine ?? null });
    }
    return out;
  }
}

/** What the networks give for image files, by index: topics, regression outputs, unreadable images. */
export interface KeywordInputs {
  topics: Array<Partial<Record<TopicLevel, string>>>;
  outputs: Array<ArrayLike<number> | undefined>;
  rejected: Map<number, string>;
}

/** The networks' part of keyword prediction: needs their folders, not the workspace (a queue worker runs it). */
export async function keywordInputs(networks: ReadonlyArray<{ level: TopicLevel; dir: string }>, regressionDir: string, files: readonly string[], options: { threads?: number } = {}): Promise<KeywordInputs> {
  const { topics, rejected } = await predictTopicsWith(networks, files, options);
  const reg = await regressionOutputsWith(regressionDir, files, options);
  for (const [i, reason] of reg.rejected) rejected.set(i, reason);
  return { topics, outputs: reg.outputs, rejected };
}

/** The regression network's output size must be two word vectors. */
export function checkRegressionDim(regressionDir: string, matcher: KeywordMatcher): void {
  const dim = readImageModelDescription(regressionDir).description.numOutputs;
  if (dim !== 2 * matcher.vectors.vectorSize) {
    throw new MissingStageError(`the regression network gives ${dim} values, the word vectors need ${2 * matcher.vectors.vectorSize}`, { stage: 'regress', stale: true });
  }
}

/** The keywords from the networks' outputs, the rejects in input order, and the digest (no timings: a queue run and an in-process run compare). */
export function keywordsResult(matcher: KeywordMatcher, levels: TopicLevel[], files: readonly string[], inputs: KeywordInputs): KeywordsResult {
  const images: ImageKeywords[] = [];
  files.forEach((image, i) => {
    const output = inputs.outputs[i];
    if (inputs.rejected.has(i) || output === undefined) return;
    images.push({ image, keywords: matcher.keywords(inputs.topics[i]!, output) });
  });
  const rejected = [...inputs.rejected].sort(([a], [b]) => a - b).map(([i, reason]) => ({ image: files[i]!, reason: describeError(reason) }));
  return { images, rejected, levels, digest: createHash('sha256').update(JSON.stringify([images, rejected, levels])).digest('hex') };
}

/**
 * `pacsmine keywords IMAGE...`: each image's three keywords (one per level), with their topics and
 * cosines. An unreadable image is listed with the reason; the others go on.
 */
export async function predictKeywords(ws: Workspace, files: readonly string[], options: { threads?: number } = {}): Promise<KeywordsResult> {
  if (files.length === 0) throw new OptionsError('no images given');
  const matcher = KeywordMatcher.fromWorkspace(ws);
  const networks = topicNetworks(ws);
  const regression = regressionNetwork(ws);
  checkRegressionDim(regression, matcher);
  return keywordsResult(matcher, networks.map((n) => n.level), files, await keywordInputs(networks, regression, files, options));
}
