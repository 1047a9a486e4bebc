/**
 * Labelling images with a trained network (`pacsmine train --out DIR`): its model.onnx on
 * onnxruntime-node, images from a manifest, resized and centre-cropped as in validation.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { BatchAssembler } from './data.js';
import { loadManifestDataset } from './manifest.js';
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

interface ClassesFile {
  head: 'softmax' | 'sigmoid';
  classNames: string[];
  inputShape: [number, number, number];
  imageSize: number;
}

export async function predictManifest(modelDir: string, manifest: string, opts: { batchSize?: number; threads?: number } = {}): Promise<{ predictions: Prediction[]; rejects: { index: number; reason: string }[]; imagesPerSecond: number }> {
  let meta: ClassesFile;
  try {
    meta = JSON.parse(readFileSync(path.join(modelDir, 'classes.json'), 'utf8')) as ClassesFile;
  } catch (cause) {
    throw new FormatError(`${modelDir}: no readable classes.json (save models with pacsmine train --out)`, { cause });
  }
  const [h, w, c] = meta.inputShape;
  const m = await loadManifestDataset(manifest, { size: meta.imageSize ?? h, channels: c === 3 ? 3 : 1, unlabelled: true });
  const numOutputs = meta.head === 'softmax' ? meta.classNames.length : 0;
  const predictor = await OnnxPredictor.fromBytes(readFileSync(path.join(modelDir, 'model.onnx')), meta.inputShape, numOutputs, { threads: opts.threads ?? cpus().length });
  const batchSize = opts.batchSize ?? 64;
  const assembler = new BatchAssembler(m.data, [h, w], batchSize, c);
  const predictions: Prediction[] = [];
  const started = performance.now();
  const idx = new Int32Array(batchSize);
  try {
    for (let start = 0; start < m.data.numImages; start += batchSize) {
      const n = Math.min(batchSize, m.data.numImages - start);
      for (let b = 0; b < n; b++) idx[b] = start + b;
      const batch = assembler.assemble(idx.subarray(0, n), undefined, false);
      const logits = await predictor.predict(batch.images, n);
      const k = logits.length / n;
      for (let b = 0; b < n; b++) {
        const row = logits.subarray(b * k, (b + 1) * k);
        const p: Prediction = { index: m.kept[start + b]! };
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
    }
  } finally {
    await predictor.dispose();
  }
  return { predictions, rejects: m.rejects, imagesPerSecond: m.data.numImages / ((performance.now() - started) / 1000) };
}
