/**
 * A labelled image set described by a JSON manifest: [{ "path": "a.png", "label": "lung" }, ...]
 * (paths relative to the manifest; labels strings or class ids; or "target": [..] numbers for
 * the sigmoid head). Images are decoded with sharp, resized to size×size and kept as bytes.
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
export async function loadManifestDataset(file: string, opts: { size: number; channels: 1 | 3; unlabelled?: boolean; cacheFile?: string }): Promise<ManifestDataset & { kept: number[] }> {
  let entries: ManifestEntry[];
  try {
    entries = JSON.parse(readFileSync(file, 'utf8')) as ManifestEntry[];
  } catch (cause) {
    throw new FormatError(`${file}: not a readable JSON manifest`, { cause });
  }
  if (!Array.isArray(entries)) throw new FormatError(`${file}: the manifest must be a JSON array of {path, label} objects`);
  const { size, channels } = opts;
  const per = size * size * channels;
  const unlabelled = opts.unlabelled === true;
  const useTargets = !unlabelled && entries.some((e) => Array.isArray(e.target));
  const classNames = useTargets || unlabelled ? [] : [...new Set(entries.map((e) => String(e.label)))].sort();
  const classOf = new Map(classNames.map((n, i) => [n, i]));
  const targetDim = useTargets ? (entries.find((e) => Array.isArray(e.target))!.target!.length) : 0;
  const cacheFd = opts.cacheFile !== undefined ? openSync(opts.cacheFile, 'w') : undefined;
  const pixels = new Uint8Array(cacheFd === undefined ? entries.length * per : 0);
  const labels: number[] = [];
  const targets: number[] = [];
  const rejects: ManifestDataset['rejects'] = [];
  const kept: number[] = [];
  let n = 0;
  const base = path.dirname(file);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    try {
      if (typeof e.path !== 'string') throw new Error('no path');
      if (useTargets && (!Array.isArray(e.target) || e.target.length !== targetDim)) throw new Error(`target must have ${targetDim} numbers`);
      if (!useTargets && !unlabelled && e.label === undefined) throw new Error('no label');
      let img = sharp(path.resolve(base, e.path)).resize(size, size, { fit: 'fill' }).removeAlpha();
      img = channels === 1 ? img.grayscale() : img.toColourspace('srgb');
      const raw = await img.raw().toBuffer({ resolveWithObject: true });
      if (raw.data.length !== per) throw new Error(`decoded to ${raw.info.channels} channels, expected ${channels}`);
      if (cacheFd !== undefined) writeSync(cacheFd, raw.data, 0, per, n * per);
      else pixels.set(raw.data, n * per);
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
