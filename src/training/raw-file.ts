/**
 * Images kept on disk as one raw file of bytes ([numImages × H × W × C], HWC), read one
 * image at a time into a reused buffer (the OS page cache does the rest): for training sets
 * larger than memory. The manifest loader writes such a file with `cacheFile`.
 */
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import type { ImageDataset } from './data.js';
import { FormatError } from '../util/errors.js';

export interface RawFileDataset extends ImageDataset {
  close(): void;
}

export function rawFileDataset(file: string, meta: { numImages: number; imageShape: [number, number, number]; labels?: Int32Array; targets?: Float32Array; targetDim?: number }): RawFileDataset {
  const [h, w, c] = meta.imageShape;
  const per = h * w * c;
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  if (size < meta.numImages * per) {
    closeSync(fd);
    throw new FormatError(`${file}: ${size} bytes, expected ${meta.numImages} images of ${per} bytes`);
  }
  const buffer = new Uint8Array(per);
  const data: RawFileDataset = {
    numImages: meta.numImages,
    imageShape: meta.imageShape,
    pixelScale: 1 / 255,
    readImage(index: number) {
      readSync(fd, buffer, 0, per, index * per);
      return buffer;
    },
    close() {
      closeSync(fd);
    },
  };
  const out = data as { -readonly [K in keyof RawFileDataset]: RawFileDataset[K] };
  if (meta.labels !== undefined) out.labels = meta.labels;
  if (meta.targets !== undefined) {
    out.targets = meta.targets;
    if (meta.targetDim !== undefined) out.targetDim = meta.targetDim;
  }
  return data;
}
