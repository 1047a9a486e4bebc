/** The two heads of the paper: softmax over topic labels, sigmoid over a 512-d word-vector target. */
import { tf } from './backend.js';
import type { Batch } from './data.js';

export type Head = 'softmax' | 'sigmoid';

/**
 * Batch-mean loss of logits [B × K] against the batch's labels or targets. `classWeights`
 * (softmax head, one per class): each image's cross-entropy is multiplied by its class's weight
 * before the mean (src/datasets/balance.ts scales them to mean 1 over the training set). The
 * mean is over images, not over weights, so a batch split into slices still averages exactly.
 */
export function headLoss(head: Head, logits: tf.Tensor2D, batch: Batch, numOutputs: number, classWeights?: Float32Array): tf.Scalar {
  if (head === 'softmax') {
    const labels = tf.tensor1d(batch.labels!, 'int32');
    if (classWeights !== undefined) {
      const perImage = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numOutputs), logits, undefined, 0, tf.Reduction.NONE);
      return tf.mean(tf.mul(perImage, tf.gather(tf.tensor1d(classWeights), labels))) as tf.Scalar;
    }
    return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numOutputs), logits) as tf.Scalar;
  }
  // Caffe's SigmoidCrossEntropyLoss: summed over dimensions, averaged over the batch.
  const targets = tf.tensor2d(batch.targets!, [batch.size, numOutputs]);
  const total = tf.losses.sigmoidCrossEntropy(targets, logits, undefined, 0, tf.Reduction.SUM);
  return tf.div(total, batch.size) as tf.Scalar;
}
