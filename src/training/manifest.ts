/**
 * A labelled image set described by a JSON manifest: [{ "path": "a.png", "label": "lung" }, ...]
 * (paths relative to the manifest; labels strings or class ids; or "target": [..] numbers for
 * the sigmoid head). Images are decoded with sharp, fitted to size×size and kept as bytes.
 * Fitting pads, it does not stretch: an image of another aspect (MedPix: 270×323 to 512×512) is
 * scaled until its longer side is `size` and centred on black, so anatomy keeps its shape and the
 * network's random crops see the same proportions in every image.
 * A record that cannot be read is reported and skipped; it never stops the run.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ImageDataset } from './data.js';
import { rawFileDataset } from './raw-file.js';
import { FormatError, describeError } from '../util/errors.js';

export interface ManifestEntry {
  path: string;
  label?: string | number;
  target?: number[];
  /** Dataset manifests (src/datasets): the image's split and id. */
  split?: string;
  id?: string;
}

/** 'pad' (default): keep the aspect, centre on black; 'stretch': scale each side to `size`. */
export type ImageFit = 'pad' | 'stretch';

export interface LoadManifestOptions {
  size: number;
  channels: 1 | 3;
  unlabelled?: boolean;
  cacheFile?: string;
  fit?: ImageFit;
  /** Load only the entries this keeps (class ids still come from every entry's label). */
  filter?: (entry: ManifestEntry, index: number) => boolean;
}

export interface ManifestDataset {
  data: ImageDataset;
  /** Class names in id order (softmax head). */
  classNames: string[];
  rejects: { index: number; reason: string }[];
}

/**
 * `unlabelled`: images only (for labelling); every readable image is kept, labels are all 0.
 * `cacheFile`: write the decoded bytes there and read them back on demand instead of keeping
 * them in memory (for sets larger than memory); close the dataset with `close()` when done.
 */
export async function loadManifestDataset(file: string, opts: LoadManifestOptions): Promise<ManifestDataset & { kept: number[] }> {
  return loadManifestEntries(readManifest(file), path.dirname(file), opts);
}

export function readManifest(file: string): ManifestEntry[] {
  let entries: ManifestEntry[];
  try {
    entries = JSON.parse(readFileSync(file, 'utf8')) as ManifestEntry[];
  } catch (cause) {
    throw new FormatError(`${file}: not a readable JSON manifest`, { cause });
  }
  if (!Array.isArray(entries)) throw new FormatError(`${file}: the manifest must be a JSON array of {path, label} objects`);
  return entries;
}

/** Decodes one image file to size×size×channels bytes, padded (default) or stretched. */
export async function decodeImage(file: string, size: number, channels: 1 | 3, fit: ImageFit = 'pad'): Promise<Buffer> {
  let img = sharp(file).resize(size, size, fit === 'pad' ? { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 1 } } : { fit: 'fill' }).removeAlpha();
  img = channels === 1 ? img.grayscale() : img.toColourspace('srgb');
  const raw = await img.raw().toBuffer({ resolveWithObject: true });
  if (raw.data.length !== size * size * channels) throw new Error(`decoded to ${raw.info.channels} channels, expected ${channels}`);
  return raw.data;
}

/** As loadManifestDataset, for entries in memory (paths relative to `base`). */
export async function loadManifestEntries(entries: ManifestEntry[], base: string, opts: LoadManifestOptions): Promise<ManifestDataset & { kept: number[] }> {
  const { size, channels } = opts;
  const per = size * size * channels;
  const unlabelled = opts.unlabelled === true;
  const useTargets = !unlabelled && entries.some((e) => Array.isArray(e.target));
  const classNames = useTargets || unlabelled ? [] : [...new Set(entries.map((e) => String(e.label)))].sort();
  const classOf = new Map(classNames.map((n, i) => [n, i]));
  const targetDim = useTargets ? (entries.find((e) => Array.isArray(e.target))!.target!.length) : 0;
  const cacheFd = opts.cacheFile !== undefined ? openSync(opts.cacheFile, 'w') : undefined;
  const wanted = opts.filter === undefined ? entries.length : entries.filter(opts.filter).length;
  const pixels = new Uint8Array(cacheFd === undefined ? wanted * per : 0);
  const labels: number[] = [];
  const targets: number[] = [];
  const rejects: ManifestDataset['rejects'] = [];
  const kept: number[] = [];
  let n = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (opts.filter !== undefined && !opts.filter(e, i)) continue;
    try {
      if (typeof e.path !== 'string') throw new Error('no path');
      if (useTargets && (!Array.isArray(e.target) || e.target.length !== targetDim)) throw new Error(`target must have ${targetDim} numbers`);
      if (!useTargets && !unlabelled && e.label === undefined) throw new Error('no label');
      const bytes = await decodeImage(path.resolve(base, e.path), size, channels, opts.fit);
      if (cacheFd !== undefined) writeSync(cacheFd, bytes, 0, per, n * per);
      else pixels.set(bytes, n * per);
      if (useTargets) targets.push(...e.target!);
      else labels.push(unlabelled ? 0 : classOf.get(String(e.label))!);
      kept.push(i);
      n++;
    } catch (error) {
      rejects.push({ index: i, reason: describeError(error) });
    }
  }
  if (cacheFd !== undefined) {
    closeSync(cacheFd);
    const meta: Parameters<typeof rawFileDataset>[1] = { numImages: n, imageShape: [size, size, channels] };
    if (useTargets) {
      meta.targets = Float32Array.from(targets);
      meta.targetDim = targetDim;
    } else meta.labels = Int32Array.from(labels);
    return { data: rawFileDataset(opts.cacheFile!, meta), classNames, rejects, kept };
  }
  const data: ImageDataset = useTargets
    ? { numImages: n, imageShape: [size, size, channels], pixels: pixels.subarray(0, n * per), pixelScale: 1 / 255, targets: Float32Array.from(targets), targetDim }
    : { numImages: n, imageShape: [size, size, channels], pixels: pixels.subarray(0, n * per), pixelScale: 1 / 255, labels: Int32Array.from(labels) };
  return { data, classNames, rejects, kept };
}
