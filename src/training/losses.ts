/** The two heads of the paper: softmax over topic labels, sigmoid over a 512-d word-vector target. */
import { tf } from './backend.js';
import type { Batch } from './data.js';

export type Head = 'softmax' | 'sigmoid';

/** Batch-mean loss of logits [B × K] against the batch's labels or targets. */
export function headLoss(head: Head, logits: tf.Tensor2D, batch: Batch, numOutputs: number): tf.Scalar {
  if (head === 'softmax') {
    const labels = tf.tensor1d(batch.labels!, 'int32');
    return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numOutputs), logits) as tf.Scalar;
  }
  // Caffe's SigmoidCrossEntropyLoss: summed over dimensions, averaged over the batch.
  const targets = tf.tensor2d(batch.targets!, [batch.size, numOutputs]);
  const total = tf.losses.sigmoidCrossEntropy(targets, logits, undefined, 0, tf.Reduction.SUM);
  return tf.div(total, batch.size) as tf.Scalar;
}
