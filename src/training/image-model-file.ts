/**
 * The file of a saved image model (ImageClassifier, ImageRegressor): one artifact
 * (util/artifact-file.ts) `model.pacsmine`, kind `image-classifier` or `image-regressor`, holding
 *   meta.description  what the network is for: head, class names or target size, input shape,
 *                     stored image size and fit, what it was fine-tuned from, the caller's facts;
 *   meta.topology     the tfjs layers topology (`model.toJSON()`), rebuilt on load;
 *   meta.weights      each weight's name and shape, in `model.weights` order;
 *   arrays w0, w1, …  the weights, float32, one array per weight.
 * Every shape is checked on load against the header and, once rebuilt, against the network, so a
 * truncated, foreign or mismatched file is a FormatError saying which.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { readArtifact, readArtifactHeader, takeArray, writeArtifact } from '../util/artifact-file.js';
import { FormatError } from '../util/errors.js';
import type { Head } from './losses.js';
import type { ImageFit } from './manifest.js';

/** The file `save(dir)` writes in its folder. */
export const IMAGE_MODEL_FILE = 'model.pacsmine';
export const CLASSIFIER_KIND = 'image-classifier';
export const REGRESSOR_KIND = 'image-regressor';
export type ImageModelKind = typeof CLASSIFIER_KIND | typeof REGRESSOR_KIND;
const VERSION = 1;
const KINDS: readonly ImageModelKind[] = [CLASSIFIER_KIND, REGRESSOR_KIND];

/** What a saved network is for: everything needed to feed it images and read its outputs. */
export interface ImageModelDescription {
  head: Head;
  /** Softmax head: the class of each output, in order; [] for the sigmoid head. */
  classNames: string[];
  /** Outputs: classes, or target dimensions (2 × the word-vector size for the regression). */
  numOutputs: number;
  /** [height, width, channels] of the network input (the crop). */
  inputShape: [number, number, number];
  /** Side of the square images the network was trained on, before cropping (centre crop to apply it). */
  imageSize: number;
  /** How images were fitted to imageSize. */
  fit: ImageFit;
  /** The network's name (conv4, resnet-small, … or a fine-tuned one's). */
  network: string;
  /** What it was fine-tuned from (a path as given, or 'memory'); null from scratch. */
  from: string | null;
  /** The caller's facts (a level, a dataset digest, the target scale …). */
  facts: Record<string, unknown>;
}

export interface WeightEntry {
  name: string;
  shape: number[];
}

export interface ImageModelContents {
  kind: ImageModelKind;
  description: ImageModelDescription;
  /** tfjs layers topology (JSON object). */
  topology: unknown;
  /** The model's options as given (JSON-able: no model in memory, no workers or device). */
  options: Record<string, unknown>;
  weights: Array<WeightEntry & { data: Float32Array }>;
}

/** `dirOrFile` as the model file: a folder means its model.pacsmine. */
export function imageModelFile(dirOrFile: string): string {
  try {
    if (statSync(dirOrFile).isDirectory()) return path.join(dirOrFile, IMAGE_MODEL_FILE);
  } catch {
    // a missing path: the reader says so
  }
  return dirOrFile;
}

export function writeImageModel(file: string, m: ImageModelContents): void {
  const arrays: Record<string, { data: Float32Array; shape: number[] }> = {};
  m.weights.forEach((w, i) => { arrays[`w${i}`] = { data: w.data, shape: w.shape }; });
  writeArtifact(file, {
    kind: m.kind, kindVersion: VERSION,
    meta: { description: m.description, options: m.options, topology: m.topology, weights: m.weights.map(({ name, shape }) => ({ name, shape })) },
    arrays,
  });
}

/** Reads and checks a model file of one of `kinds` (default both). */
export function readImageModel(dirOrFile: string, kinds: readonly ImageModelKind[] = KINDS): ImageModelContents {
  const file = imageModelFile(dirOrFile);
  const kind = kindOf(file, kinds);
  const a = readArtifact(file, { kind, versions: [VERSION] });
  const meta = a.meta as { description?: unknown; options?: unknown; topology?: unknown; weights?: unknown } | null;
  const description = checkDescription(file, meta?.description);
  if (meta?.topology === null || typeof meta?.topology !== 'object') throw new FormatError(`${file} is damaged: it has no network topology`);
  if (!Array.isArray(meta.weights)) throw new FormatError(`${file} is damaged: it has no weight list`);
  const entries = meta.weights as Array<Partial<WeightEntry>>;
  if (Object.keys(a.arrays).length !== entries.length) throw new FormatError(`${file} is damaged: ${Object.keys(a.arrays).length} arrays for ${entries.length} weights`);
  const weights = entries.map((e, i) => {
    if (typeof e?.name !== 'string' || !Array.isArray(e.shape)) throw new FormatError(`${file} is damaged: weight ${i} has no name or shape`);
    return { name: e.name, shape: e.shape, data: takeArray(a, `w${i}`, 'f32', e.shape) };
  });
  const options = meta.options !== null && typeof meta.options === 'object' ? meta.options as Record<string, unknown> : {};
  return { kind, description, topology: meta.topology, options, weights };
}

/**
 * SHA-256 of what a saved model is — kind, description and every weight — and of nothing about
 * where it was made: `from` (a path) and the file layout are left out, so the same training in
 * two workspaces gives the same digest.
 */
export function imageModelDigest(dirOrFile: string): string {
  const m = readImageModel(dirOrFile);
  const { from: _from, ...description } = m.description;
  const h = createHash('sha256').update(JSON.stringify({ kind: m.kind, description }));
  for (const w of m.weights) h.update(`${w.name} ${w.shape.join('x')}\n`).update(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  return h.digest('hex');
}

/** The kind and description alone (no network is built): what a stage needs to prepare images. */
export function readImageModelDescription(dirOrFile: string, kinds: readonly ImageModelKind[] = KINDS): { kind: ImageModelKind; description: ImageModelDescription } {
  const file = imageModelFile(dirOrFile);
  const header = readArtifactHeader(file);
  if (!kinds.includes(header.kind as ImageModelKind)) throw new FormatError(`${file} holds a "${header.kind}" artifact, not ${kinds.map((k) => `"${k}"`).join(' or ')}`);
  return { kind: header.kind as ImageModelKind, description: checkDescription(file, (header.meta as { description?: unknown } | null)?.description) };
}

function kindOf(file: string, kinds: readonly ImageModelKind[]): ImageModelKind {
  if (kinds.length === 1) return kinds[0]!;
  // The header names the kind; readArtifact then checks the whole file against it.
  const kind = readArtifactHeader(file).kind;
  if (!kinds.includes(kind as ImageModelKind)) throw new FormatError(`${file} holds a "${kind}" artifact, not ${kinds.map((k) => `"${k}"`).join(' or ')}`);
  return kind as ImageModelKind;
}

function checkDescription(file: string, raw: unknown): ImageModelDescription {
  const d = raw as Partial<ImageModelDescription> | null | undefined;
  const bad = (what: string) => new FormatError(`${file} is damaged: its description has ${what}`);
  if (d === null || typeof d !== 'object') throw bad('no fields');
  if (d.head !== 'softmax' && d.head !== 'sigmoid') throw bad(`head ${String(d.head)}`);
  if (!Array.isArray(d.classNames) || !d.classNames.every((n) => typeof n === 'string')) throw bad('no class names');
  if (!Number.isInteger(d.numOutputs) || (d.numOutputs as number) < 1) throw bad('no output count');
  if (d.head === 'softmax' && d.classNames.length !== d.numOutputs) throw bad(`${d.classNames.length} class names for ${String(d.numOutputs)} outputs`);
  if (!Array.isArray(d.inputShape) || d.inputShape.length !== 3 || !d.inputShape.every((n) => Number.isInteger(n) && n >= 1)) throw bad('no input shape');
  if (!Number.isInteger(d.imageSize) || (d.imageSize as number) < 1) throw bad('no image size');
  if (d.fit !== 'pad' && d.fit !== 'stretch') throw bad(`fit ${String(d.fit)}`);
  return { head: d.head, classNames: d.classNames, numOutputs: d.numOutputs as number, inputShape: d.inputShape as [number, number, number], imageSize: d.imageSize as number, fit: d.fit, network: String(d.network ?? ''), from: typeof d.from === 'string' ? d.from : null, facts: d.facts !== null && typeof d.facts === 'object' ? d.facts : {} };
}
