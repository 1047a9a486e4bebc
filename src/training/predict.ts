/**
 * Labelling images with a trained network (`pacsmine train --out DIR`): its model.onnx on
 * onnxruntime-node, images from a manifest, resized and centre-cropped as in validation.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { BatchAssembler } from './data.js';
import { loadManifestDataset, type ImageFit } from './manifest.js';
import type { ImageDataset } from './data.js';
import { OnnxPredictor } from './inference.js';
import { FormatError } from '../util/errors.js';

export interface Prediction {
  /** Index of the record in the manifest. */
  index: number;
  /** Softmax head: the top class and its probability. */
  label?: string;
  score?: number;
  /** Sigmoid head: the output vector after the sigmoid. */
  vector?: number[];
}

/** What `pacsmine train --out` writes beside the network (classes.json). */
export interface ClassesFile {
  head: 'softmax' | 'sigmoid';
  classNames: string[];
  inputShape: [number, number, number];
  imageSize: number;
  /** How images were fitted to imageSize (absent in older files: they stretched). */
  fit?: ImageFit;
}

export function readModelMeta(modelDir: string): ClassesFile {
  try {
    return JSON.parse(readFileSync(path.join(modelDir, 'classes.json'), 'utf8')) as ClassesFile;
  } catch (cause) {
    throw new FormatError(`${modelDir}: no readable classes.json (a network folder saved by training with option \`outDir\`)`, { cause });
  }
}

/**
 * The network's outputs (logits, n × outputs) for every image of `data` (stored at the model's
 * imageSize), centre-cropped as in validation, through its model.onnx on onnxruntime-node.
 */
export async function modelOutputs(modelDir: string, meta: ClassesFile, data: ImageDataset, opts: { batchSize?: number; threads?: number } = {}): Promise<Float32Array> {
  const [h, w, c] = meta.inputShape;
  const numOutputs = meta.head === 'softmax' ? meta.classNames.length : 0;
  const predictor = await OnnxPredictor.fromBytes(readFileSync(path.join(modelDir, 'model.onnx')), meta.inputShape, numOutputs, { threads: opts.threads ?? cpus().length });
  const batchSize = opts.batchSize ?? 64;
  const assembler = new BatchAssembler(data, [h, w], batchSize, c);
  const idx = new Int32Array(batchSize);
  const parts: Float32Array[] = [];
  try {
    for (let start = 0; start < data.numImages; start += batchSize) {
      const n = Math.min(batchSize, data.numImages - start);
      for (let b = 0; b < n; b++) idx[b] = start + b;
      const batch = assembler.assemble(idx.subarray(0, n), undefined, false);
      parts.push(Float32Array.from(await predictor.predict(batch.images, n)));
    }
  } finally {
    await predictor.dispose();
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export async function predictManifest(modelDir: string, manifest: string, opts: { batchSize?: number; threads?: number } = {}): Promise<{ predictions: Prediction[]; rejects: { index: number; reason: string }[]; imagesPerSecond: number }> {
  const meta = readModelMeta(modelDir);
  const [h, , c] = meta.inputShape;
  const m = await loadManifestDataset(manifest, { size: meta.imageSize ?? h, channels: c === 3 ? 3 : 1, unlabelled: true, fit: meta.fit ?? 'stretch' });
  const started = performance.now();
  const logits = await modelOutputs(modelDir, meta, m.data, opts);
  const k = m.data.numImages ? logits.length / m.data.numImages : 0;
  const predictions: Prediction[] = [];
  for (let i = 0; i < m.data.numImages; i++) {
    const row = logits.subarray(i * k, (i + 1) * k);
    const p: Prediction = { index: m.kept[i]! };
    if (meta.head === 'softmax') {
      let best = 0;
      let max = -Infinity;
      for (let j = 0; j < k; j++) if (row[j]! > max) { max = row[j]!; best = j; }
      let z = 0;
      for (let j = 0; j < k; j++) z += Math.exp(row[j]! - max);
      p.label = meta.classNames[best]!;
      p.score = 1 / z;
    } else p.vector = Array.from(row, (v) => 1 / (1 + Math.exp(-v)));
    predictions.push(p);
  }
  return { predictions, rejects: m.rejects, imagesPerSecond: m.data.numImages / ((performance.now() - started) / 1000) };
}
