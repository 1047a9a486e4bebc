/**
 * In-memory image datasets and batch assembly with the paper's augmentation: a random crop
 * (227 or 224 of 256) and a random horizontal flip for training, the centre crop for
 * evaluation. Batches are written into preallocated Float32Arrays.
 */
import { OptionsError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

export interface ImageDataset {
  /** Number of images. */
  readonly numImages: number;
  /** [height, width, channels] as stored (before cropping). */
  readonly imageShape: [number, number, number];
  /** All pixels in memory, [numImages × H × W × C], row-major HWC. Or omit and give readImage. */
  readonly pixels?: Float32Array | Uint8Array;
  /**
   * For sets too large for memory (216K images at 256² are 14 GB): image `index`'s H×W×C
   * pixels; may return the same buffer on every call (it is copied out at once).
   */
  readonly readImage?: (index: number) => Float32Array | Uint8Array;
  /** Multiplier applied to pixels when batching (1/255 for Uint8Array images). */
  readonly pixelScale: number;
  /** Softmax head: class id per image. */
  readonly labels?: Int32Array;
  /** Sigmoid head: [numImages × targetDim] targets in [0, 1]. */
  readonly targets?: Float32Array;
  readonly targetDim?: number;
}

/** Where in the image a batch slot is cropped from, and whether it is mirrored. */
interface Crop {
  top: number;
  left: number;
  flip: boolean;
}

/**
 * Writes image `index`, cropped to [ch, cw] and maybe mirrored, at `out[offset..]` with
 * `outChannels` channels: equal to the image's, or 3 from a grayscale image (replicated, so
 * grayscale key images feed networks pretrained on RGB ImageNet).
 */
export function writeCrop(data: ImageDataset, index: number, ch: number, cw: number, crop: Crop, out: Float32Array, offset: number, outChannels: number): void {
  const [h, w, c] = data.imageShape;
  const src = data.pixels ?? data.readImage!(index);
  const scale = data.pixelScale;
  const imageBase = data.pixels !== undefined ? index * h * w * c : 0;
  const replicate = outChannels !== c;
  let o = offset;
  for (let y = 0; y < ch; y++) {
    const rowBase = imageBase + ((crop.top + y) * w + crop.left) * c;
    for (let x = 0; x < cw; x++) {
      const sx = crop.flip ? cw - 1 - x : x;
      const p = rowBase + sx * c;
      if (replicate) {
        const v = (src[p] as number) * scale;
        for (let k = 0; k < outChannels; k++) out[o++] = v;
      } else for (let k = 0; k < c; k++) out[o++] = (src[p + k] as number) * scale;
    }
  }
}

export interface Batch {
  /** [batch × ch × cw × C] */
  images: Float32Array;
  /** Softmax head: [batch] class ids. */
  labels?: Int32Array;
  /** Sigmoid head: [batch × targetDim]. */
  targets?: Float32Array;
  size: number;
}

/** Reusable batch buffers for one crop size. */
export class BatchAssembler {
  readonly crop: [number, number];
  readonly channels: number;
  readonly #data: ImageDataset;
  readonly #images: Float32Array;
  readonly #labels: Int32Array;
  readonly #targets: Float32Array;
  readonly #scratch: Crop = { top: 0, left: 0, flip: false };

  /** `channels`: the network's input channels (default the images'; 3 from grayscale replicates). */
  constructor(data: ImageDataset, crop: [number, number] | undefined, maxBatch: number, channels?: number) {
    const [h, w] = data.imageShape;
    const c = channels ?? data.imageShape[2];
    if (c !== data.imageShape[2] && !(data.imageShape[2] === 1 && c === 3)) throw new OptionsError(`images have ${data.imageShape[2]} channels, the network takes ${c} (only 1 → 3 is converted)`);
    this.channels = c;
    this.crop = crop ?? [h, w];
    if (this.crop[0] > h || this.crop[1] > w) throw new OptionsError(`crop ${this.crop.join('x')} is larger than the images (${h}x${w})`);
    this.#data = data;
    this.#images = new Float32Array(maxBatch * this.crop[0] * this.crop[1] * c);
    this.#labels = new Int32Array(maxBatch);
    this.#targets = new Float32Array(maxBatch * (data.targetDim ?? 0));
  }

  /**
   * Assembles images `indices`: random crop + flip drawn from `rng` when given (training),
   * else the centre crop (evaluation).
   */
  assemble(indices: ArrayLike<number>, rng: Rng | undefined, flip: boolean): Batch {
    const data = this.#data;
    const [h, w] = data.imageShape;
    const c = this.channels;
    const [ch, cw] = this.crop;
    const n = indices.length;
    const per = ch * cw * c;
    const crop = this.#scratch;
    const dim = data.targetDim ?? 0;
    for (let b = 0; b < n; b++) {
      const i = indices[b] as number;
      if (rng !== undefined) {
        crop.top = rng.int(h - ch + 1);
        crop.left = rng.int(w - cw + 1);
        crop.flip = flip && rng.chance(0.5);
      } else {
        crop.top = (h - ch) >> 1;
        crop.left = (w - cw) >> 1;
        crop.flip = false;
      }
      writeCrop(data, i, ch, cw, crop, this.#images, b * per, c);
      if (data.labels !== undefined) this.#labels[b] = data.labels[i] as number;
      if (data.targets !== undefined) this.#targets.set(data.targets.subarray(i * dim, (i + 1) * dim), b * dim);
    }
    const batch: Batch = { images: this.#images.subarray(0, n * per), size: n };
    if (data.labels !== undefined) batch.labels = this.#labels.subarray(0, n);
    if (data.targets !== undefined) batch.targets = this.#targets.subarray(0, n * dim);
    return batch;
  }
}

/** Checks a dataset's arrays against its declared sizes; names the problem. */
export function validateDataset(data: ImageDataset, what = 'dataset'): void {
  const [h, w, c] = data.imageShape;
  if (data.pixels === undefined && data.readImage === undefined) throw new OptionsError(`${what}: needs pixels or readImage`);
  if (data.pixels !== undefined && data.pixels.length !== data.numImages * h * w * c) throw new OptionsError(`${what}: ${data.pixels.length} pixels, expected ${data.numImages}×${h}×${w}×${c}`);
  if (data.labels === undefined && data.targets === undefined) throw new OptionsError(`${what}: needs labels (softmax head) or targets (sigmoid head)`);
  if (data.labels !== undefined && data.labels.length !== data.numImages) throw new OptionsError(`${what}: ${data.labels.length} labels for ${data.numImages} images`);
  if (data.targets !== undefined && data.targets.length !== data.numImages * (data.targetDim ?? -1)) throw new OptionsError(`${what}: targets length does not match targetDim × numImages`);
}

/**
 * A small learnable task: each class is a bright horizontal band at its own height on noise,
 * so the label survives horizontal flips and small crops, and a small network learns it to
 * high accuracy in a few epochs. Sigmoid targets, when asked for, are a fixed random binary
 * code per class.
 */
export function syntheticDataset(opts: { numImages: number; numClasses: number; size: number; channels?: number; seed?: number; targetDim?: number }): ImageDataset {
  const { numImages, numClasses, size } = opts;
  const c = opts.channels ?? 1;
  const rng = new Rng(opts.seed ?? 1);
  const pixels = new Float32Array(numImages * size * size * c);
  const labels = new Int32Array(numImages);
  const band = Math.max(1, Math.floor(size / (2 * numClasses)));
  for (let i = 0; i < numImages; i++) {
    const k = rng.int(numClasses);
    labels[i] = k;
    const top = Math.floor(((k + 0.5) * size) / numClasses - band / 2);
    const base = i * size * size * c;
    for (let p = 0; p < size * size * c; p++) pixels[base + p] = rng.next() * 0.5;
    for (let y = top; y < top + band; y++) for (let x = 0; x < size; x++) for (let ch = 0; ch < c; ch++) pixels[base + (y * size + x) * c + ch] = 1;
  }
  const data: { -readonly [K in keyof ImageDataset]: ImageDataset[K] } = { numImages, imageShape: [size, size, c], pixels, pixelScale: 1, labels };
  if (opts.targetDim !== undefined) {
    const dim = opts.targetDim;
    const codes = new Float32Array(numClasses * dim);
    for (let j = 0; j < codes.length; j++) codes[j] = rng.chance(0.5) ? 1 : 0;
    const targets = new Float32Array(numImages * dim);
    for (let i = 0; i < numImages; i++) targets.set(codes.subarray((labels[i] as number) * dim, ((labels[i] as number) + 1) * dim), i * dim);
    data.targets = targets;
    data.targetDim = dim;
  }
  return data;
}

/** Splits off the last `fraction` of a dataset (after a seeded shuffle) for validation. */
export function splitDataset(data: ImageDataset, fraction: number, seed: number): { train: ImageDataset; validation: ImageDataset } {
  const order = new Rng(seed).shuffle(Array.from({ length: data.numImages }, (_, i) => i));
  const numVal = Math.max(1, Math.round(data.numImages * fraction));
  return { train: subset(data, order.slice(numVal)), validation: subset(data, order.slice(0, numVal)) };
}

/** The images at `indices`: a copy when in memory, a re-indexed view when read on demand. */
export function subset(data: ImageDataset, indices: readonly number[]): ImageDataset {
  const [h, w, c] = data.imageShape;
  const per = h * w * c;
  const out: { -readonly [K in keyof ImageDataset]: ImageDataset[K] } = { numImages: indices.length, imageShape: data.imageShape, pixelScale: data.pixelScale };
  const src = data.pixels;
  if (src !== undefined) {
    const pixels = src instanceof Uint8Array ? new Uint8Array(indices.length * per) : new Float32Array(indices.length * per);
    indices.forEach((i, j) => pixels.set(src.subarray(i * per, (i + 1) * per), j * per));
    out.pixels = pixels;
  } else {
    const read = data.readImage!;
    const map = Int32Array.from(indices);
    out.readImage = (j: number) => read(map[j] as number);
  }
  if (data.labels !== undefined) out.labels = Int32Array.from(indices, (i) => data.labels![i] as number);
  if (data.targets !== undefined && data.targetDim !== undefined) {
    const dim = data.targetDim;
    const t = new Float32Array(indices.length * dim);
    indices.forEach((i, j) => t.set(data.targets!.subarray(i * dim, (i + 1) * dim), j * dim));
    out.targets = t;
    out.targetDim = dim;
  }
  return out;
}
