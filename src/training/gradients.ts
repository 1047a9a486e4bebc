/** One forward and backward pass: batch-mean loss and gradients of the trainable variables. */
import { tf } from './backend.js';
import type { Batch } from './data.js';
import { headLoss, type Head } from './losses.js';

/**
 * Dropout layers in tfjs draw from a fixed seed on every call; we give them a fresh seed
 * each step (derived from the run's seed) so that masks change but runs stay reproducible.
 */
export function reseedDropout(model: tf.LayersModel, stepSeed: number): void {
  model.layers.forEach((layer, i) => {
    if (layer.getClassName() === 'Dropout') (layer as unknown as { seed: number }).seed = (stepSeed + i * 7919) >>> 0;
  });
}

export function lossAndGradients(model: tf.LayersModel, vars: tf.Variable[], head: Head, batch: Batch, inputShape: [number, number, number], numOutputs: number, stepSeed: number): { loss: tf.Scalar; grads: tf.Tensor[] } {
  reseedDropout(model, stepSeed);
  return tf.tidy(() => {
    const x = tf.tensor4d(batch.images, [batch.size, ...inputShape]);
    const { value, grads } = tf.variableGrads(() => headLoss(head, model.apply(x, { training: true }) as tf.Tensor2D, batch, numOutputs), vars);
    return { loss: value, grads: vars.map((v) => grads[v.name] as tf.Tensor) };
  });
}

/**
 * The same batch-mean loss and gradients, read back into arrays, computed `microBatch` images
 * at a time and averaged weighted by chunk size, so that a batch larger than an engine's
 * memory still trains as one step. The running sums live in JavaScript memory, not on the
 * backend: on wasm the heap is 4 GB, and two more copies of VGG's weights there would not fit.
 * A batch of at most `microBatch` images is exactly lossAndGradients; chunk k draws its
 * dropout seed from stepSeed + k.
 */
export async function meanGradients(model: tf.LayersModel, vars: tf.Variable[], head: Head, batch: Batch, inputShape: [number, number, number], numOutputs: number, stepSeed: number, microBatch: number): Promise<{ loss: number; grads: Float32Array[] }> {
  if (!(microBatch >= 1)) throw new Error(`microBatch must be ≥ 1, got ${microBatch}`);
  const perImage = inputShape[0] * inputShape[1] * inputShape[2];
  let loss = 0;
  let sums: Float32Array[] | undefined;
  for (let start = 0, k = 0; start < batch.size; start += microBatch, k++) {
    const n = Math.min(microBatch, batch.size - start);
    const chunk: Batch = n === batch.size ? batch : { images: batch.images.subarray(start * perImage, (start + n) * perImage), size: n };
    if (chunk !== batch && batch.labels !== undefined) chunk.labels = batch.labels.subarray(start, start + n);
    if (chunk !== batch && batch.targets !== undefined) chunk.targets = batch.targets.subarray(start * numOutputs, (start + n) * numOutputs);
    const r = lossAndGradients(model, vars, head, chunk, inputShape, numOutputs, (stepSeed + k) >>> 0);
    const w = n / batch.size;
    loss += w * ((await r.loss.data())[0] as number);
    r.loss.dispose();
    if (sums === undefined && w === 1) sums = await Promise.all(r.grads.map(async (g) => (await g.data()) as Float32Array));
    else {
      sums ??= vars.map((v) => new Float32Array(v.size));
      for (let i = 0; i < r.grads.length; i++) {
        const g = (await r.grads[i]!.data()) as Float32Array;
        const sum = sums[i]!;
        for (let j = 0; j < g.length; j++) sum[j] = (sum[j] as number) + w * (g[j] as number);
      }
    }
    r.grads.forEach((g) => g.dispose());
  }
  return { loss, grads: sums! };
}
