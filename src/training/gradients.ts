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
