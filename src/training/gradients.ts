/** One forward and backward pass: batch-mean loss and gradients of the trainable variables. */
import { tf } from './backend.js';
import type { Batch } from './data.js';
import { headLoss, type Head } from './losses.js';
import { heapView } from './kernels/heap-kernels.js';

/**
 * Dropout layers in tfjs draw from a fixed seed on every call; we give them a fresh seed
 * each step (derived from the run's seed) so that masks change but runs stay reproducible.
 */
export function reseedDropout(model: tf.LayersModel, stepSeed: number): void {
  model.layers.forEach((layer, i) => {
    if (layer.getClassName() === 'Dropout') (layer as unknown as { seed: number }).seed = (stepSeed + i * 7919) >>> 0;
  });
}

export function lossAndGradients(model: tf.LayersModel, vars: tf.Variable[], head: Head, batch: Batch, inputShape: [number, number, number], numOutputs: number, stepSeed: number, classWeights?: Float32Array): { loss: tf.Scalar; grads: tf.Tensor[] } {
  reseedDropout(model, stepSeed);
  return tf.tidy(() => {
    const x = tf.tensor4d(batch.images, [batch.size, ...inputShape]);
    const { value, grads } = tf.variableGrads(() => headLoss(head, model.apply(x, { training: true }) as tf.Tensor2D, batch, numOutputs, classWeights), vars);
    return { loss: value, grads: vars.map((v) => grads[v.name] as tf.Tensor) };
  });
}

/**
 * Adds `weight` × the batch-mean gradients into `sums` (every variable's gradient, flat, in the
 * order of `vars`) and returns `weight` × the batch-mean loss. The batch goes through the model
 * `microBatch` images at a time, each chunk weighted by its size, so a batch larger than an
 * engine's memory still counts as one step; the running sums live in JavaScript memory, not on
 * the backend (on wasm the heap is 4 GB, and two more copies of VGG's weights would not fit).
 * Gradients are read straight from the wasm heap where they live there. With one chunk and
 * `sums` zeroed, the result is exactly lossAndGradients' (0 + x = x); chunk k draws its dropout
 * seed from stepSeed + k.
 */
export async function addMeanGradients(model: tf.LayersModel, vars: tf.Variable[], head: Head, batch: Batch, inputShape: [number, number, number], numOutputs: number, stepSeed: number, microBatch: number, sums: Float32Array, weight = 1, classWeights?: Float32Array): Promise<number> {
  if (!(microBatch >= 1)) throw new Error(`microBatch must be ≥ 1, got ${microBatch}`);
  const perImage = inputShape[0] * inputShape[1] * inputShape[2];
  let loss = 0;
  for (let start = 0, k = 0; start < batch.size; start += microBatch, k++) {
    const n = Math.min(microBatch, batch.size - start);
    const chunk: Batch = n === batch.size ? batch : { images: batch.images.subarray(start * perImage, (start + n) * perImage), size: n };
    if (chunk !== batch && batch.labels !== undefined) chunk.labels = batch.labels.subarray(start, start + n);
    if (chunk !== batch && batch.targets !== undefined) chunk.targets = batch.targets.subarray(start * numOutputs, (start + n) * numOutputs);
    const r = lossAndGradients(model, vars, head, chunk, inputShape, numOutputs, (stepSeed + k) >>> 0, classWeights);
    const w = (weight * n) / batch.size;
    loss += w * ((await r.loss.data())[0] as number);
    r.loss.dispose();
    let offset = 0;
    for (const g of r.grads) {
      // A heap view is valid until the next allocation; this loop allocates nothing.
      const values = heapView(g) ?? ((await g.data()) as Float32Array);
      for (let j = 0; j < values.length; j++) sums[offset + j] = (sums[offset + j] as number) + w * (values[j] as number);
      offset += values.length;
      g.dispose();
    }
  }
  return loss;
}
