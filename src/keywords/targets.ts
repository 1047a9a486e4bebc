/**
 * The regression manifest (Section 5.2–5.3): every key-image PNG of the workspace's split with each
 * of its disease-term bigrams, one row per (image, bigram) — "the image is trained as many times as
 * the number of bi-grams with different target vectors". A row's target is the two words' vectors
 * side by side (Z ∈ R^{2D}, 512-d for 256-d vectors), squashed elementwise by the sigmoid:
 *
 *   t = g(Z),  g(x) = 1 / (1 + e^{-x})
 *
 * The paper's loss, Σ [g(z) log g(ẑ) + (1 − g(z)) log(1 − g(ẑ))], is the sigmoid cross-entropy
 * between the network's sigmoid output g(ẑ) and g(z) of the target: g(z) is the label the
 * cross-entropy sees, and it lies in (0, 1) as a cross-entropy label must (word-vector elements
 * are any real numbers). Since g is one-to-one, the network's raw outputs (logits ẑ) estimate
 * Z itself, so predictions are compared with word vectors as logits (predict-keywords.ts).
 *
 * Scale. Word vectors trained on a small corpus are short (the demo's: elements of about 0.006,
 * where the paper's 1.2-billion-word vectors have elements of about 0.1–0.3), and g of nearly 0 is
 * nearly 0.5 for every element: the cross-entropy then sees almost the same label everywhere and
 * the network learns next to nothing. So Z is first multiplied by one global factor s, by default
 * the one that makes the vocabulary's elements' root mean square 1 (`scale: 'auto'`; `scale: 1` is
 * g(Z) unscaled). One factor for every word keeps every cosine between words and outputs as it was
 * — keyword matching and search compare directions only — and the logits then estimate s·Z.
 *
 * Targets are taken from the workspace's current word vectors by the bigram's words
 * (image_bigrams.word1/word2): the same numbers as describe's targets.f32 when both are up to
 * date, and never stale when the vectors were trained again after `describe`. A bigram whose word
 * has no vector is counted, not used. Images with no usable bigram are counted per split and
 * reported, not silently dropped: they have no target to learn, but keyword prediction and search
 * still score them.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Workspace } from '../store/workspace.js';
import type { WordVectors } from '../embeddings/vectors.js';
import { MissingStageError, OptionsError } from '../util/errors.js';
import { writeArtifact } from '../util/artifact-file.js';
import type { SplitName } from '../datasets/split.js';
import { readSplit } from '../datasets/workspace-split.js';

/** One (image, bigram) training row. */
export interface RegressionRow {
  /** The key image's SOP instance UID. */
  id: string;
  /** Its PNG (key_image_png.path). */
  path: string;
  split: SplitName;
  word1: string;
  word2: string;
  /** Row of the squashed targets ([rows × 2·vectorSize]). */
  row: number;
}

export interface RegressionManifest {
  rows: RegressionRow[];
  /** g(s·Z) per row, row-major [rows × targetDim]. */
  targets: Float32Array;
  /** 2 × the vector size. */
  targetDim: number;
  /** The factor s applied to the word vectors before the sigmoid. */
  scale: number;
  counts: RegressionCounts;
  /** SHA-256 over rows and targets. */
  digest: string;
}

export interface RegressionCounts {
  /** Key images in the split. */
  images: Record<SplitName, number>;
  /** Key images with at least one usable bigram. */
  imagesWithBigrams: Record<SplitName, number>;
  /** Key images with none: not trained on, still scored. */
  imagesWithoutBigrams: Record<SplitName, number>;
  /** Training rows per split (one per image and bigram). */
  rows: Record<SplitName, number>;
  /** Bigrams skipped because a word has no vector. */
  bigramsWithoutVectors: number;
  /** Mean bigrams per image that has any. */
  bigramsPerImage: number;
}

/** The logistic sigmoid, elementwise into `out` (the paper's g). */
export function squash(z: ArrayLike<number>, out: Float32Array = new Float32Array(z.length)): Float32Array {
  for (let i = 0; i < z.length; i++) out[i] = 1 / (1 + Math.exp(-(z[i] as number)));
  return out;
}

const zero = (): Record<SplitName, number> => ({ train: 0, validation: 0, test: 0 });

interface ImageRow {
  sop: string;
  path: string;
}

/** Key-image PNGs of the split, each with its bigrams (over every key image linked to it, in order, without repeats). */
function imageBigrams(ws: Workspace): { images: ImageRow[]; bigrams: Map<string, Array<[string, string]>> } {
  const present = new Set(ws.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  if (!present.has('image_bigrams')) throw new MissingStageError('no bigram descriptions in the workspace', { stage: 'describe' });
  if (!present.has('key_image_png')) throw new MissingStageError('no key-image PNGs in the workspace', { stage: 'convert' });
  const images = ws.db.prepare(`SELECT p.sop_instance_uid AS sop, p.path AS path FROM key_image_png p
    JOIN dataset_splits s ON s.sop_instance_uid = p.sop_instance_uid ORDER BY p.sop_instance_uid`).all() as ImageRow[];
  const rows = ws.db.prepare(`SELECT l.sop_instance_uid AS sop, b.word1 AS w1, b.word2 AS w2 FROM links l
    JOIN image_bigrams b ON b.key_image_id = l.key_image_id ORDER BY l.sop_instance_uid, l.key_image_id, b.rowid`).all() as Array<{ sop: string; w1: string; w2: string }>;
  const bigrams = new Map<string, Array<[string, string]>>();
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.sop}\u0000${r.w1} ${r.w2}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = bigrams.get(r.sop) ?? [];
    list.push([r.w1, r.w2]);
    bigrams.set(r.sop, list);
  }
  return { images, bigrams };
}

export interface TargetOptions {
  /** s in g(s·Z): a number, or 'auto' (default): 1 / the root mean square of the vocabulary's elements. */
  scale?: number | 'auto';
}

/** The 'auto' scale: 1 / RMS of every element of the vectors (1 for all-zero vectors). */
export function autoScale(vectors: WordVectors): number {
  let sum = 0;
  for (const x of vectors.vectors) sum += x * x;
  const rms = vectors.vectors.length ? Math.sqrt(sum / vectors.vectors.length) : 0;
  return rms > 0 ? 1 / rms : 1;
}

/** The regression manifest of the workspace (needs the split, `describe` and the word vectors). */
export function regressionManifest(ws: Workspace, vectors: WordVectors, options: TargetOptions = {}): RegressionManifest {
  const scale = options.scale === undefined || options.scale === 'auto' ? autoScale(vectors) : options.scale;
  if (!(Number.isFinite(scale) && scale > 0)) throw new OptionsError(`the target scale must be a number > 0 or 'auto', got ${String(options.scale)}`);
  const split = readSplit(ws);
  if (split.size === 0) throw new OptionsError('the workspace has no split yet: build the document-level dataset first (the dataset stage; the regression uses the classifiers\' split)');
  const { images, bigrams } = imageBigrams(ws);
  const D = vectors.vectorSize;
  const counts: RegressionCounts = { images: zero(), imagesWithBigrams: zero(), imagesWithoutBigrams: zero(), rows: zero(), bigramsWithoutVectors: 0, bigramsPerImage: 0 };
  const rows: RegressionRow[] = [];
  const z: number[] = [];
  for (const img of images) {
    const s = split.get(img.sop)!;
    counts.images[s]++;
    let usable = 0;
    for (const [w1, w2] of bigrams.get(img.sop) ?? []) {
      if (!vectors.has(w1) || !vectors.has(w2)) {
        counts.bigramsWithoutVectors++;
        continue;
      }
      rows.push({ id: img.sop, path: img.path, split: s, word1: w1, word2: w2, row: rows.length });
      for (const x of vectors.vector(w1)) z.push(scale * x);
      for (const x of vectors.vector(w2)) z.push(scale * x);
      counts.rows[s]++;
      usable++;
    }
    if (usable > 0) counts.imagesWithBigrams[s]++;
    else counts.imagesWithoutBigrams[s]++;
  }
  const withBigrams = counts.imagesWithBigrams.train + counts.imagesWithBigrams.validation + counts.imagesWithBigrams.test;
  counts.bigramsPerImage = withBigrams ? rows.length / withBigrams : 0;
  const targets = squash(z);
  const hash = createHash('sha256');
  for (const r of rows) hash.update(`${r.id}\0${r.split}\0${r.word1}\0${r.word2}\n`);
  hash.update(new Uint8Array(targets.buffer, targets.byteOffset, targets.byteLength));
  return { rows, targets, targetDim: 2 * D, scale, counts, digest: hash.digest('hex') };
}

/** Where the manifest's files go: artifacts/keywords/regression.json and regression-targets.pacsmine. */
export function regressionManifestPaths(ws: Workspace): { manifest: string; targets: string } {
  return { manifest: ws.artifactPath('keywords', 'regression.json'), targets: ws.artifactPath('keywords', 'regression-targets.pacsmine') };
}

/** Writes the manifest (rows as JSON, squashed targets as an artifact file) and returns the paths. */
export function writeRegressionManifest(ws: Workspace, m: RegressionManifest): { manifest: string; targets: string } {
  const paths = regressionManifestPaths(ws);
  writeFileSync(paths.manifest, JSON.stringify({ targetDim: m.targetDim, scale: m.scale, counts: m.counts, digest: m.digest, rows: m.rows }));
  writeArtifact(paths.targets, {
    kind: 'regression-targets', kindVersion: 1, meta: { targetDim: m.targetDim, rows: m.rows.length, target: 'sigmoid(scale * [v(word1), v(word2)])', scale: m.scale, digest: m.digest },
    arrays: { targets: { data: m.targets, shape: [m.rows.length, m.targetDim] } },
  });
  return paths;
}
