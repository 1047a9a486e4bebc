import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, useDevice } from './backend.js';
import { buildModel, type Architecture } from './models.js';
import { OnnxPredictor } from './inference.js';
import { Rng } from '../util/rng.js';

async function compare(architecture: Architecture, inputShape: [number, number, number]): Promise<void> {
  await useDevice('cpu');
  const model = buildModel({ architecture, inputShape, numOutputs: 5, seed: 4 });
  const rng = new Rng(1);
  const n = 3;
  const images = Float32Array.from({ length: n * inputShape[0] * inputShape[1] * inputShape[2] }, () => rng.next());
  const expected = tf.tidy(() => (model.predict(tf.tensor4d(images, [n, ...inputShape])) as tf.Tensor).dataSync() as Float32Array);
  const predictor = await OnnxPredictor.fromModel(model, { threads: 1 });
  const actual = await predictor.predict(images, n);
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < 1e-3 * (1 + Math.abs(expected[i]!)), `${architecture} logit ${i}: ${actual[i]} vs ${expected[i]}`);
  await predictor.dispose();
  model.dispose();
}

test('ONNX export of the 4-conv network gives the same logits on onnxruntime as tfjs', () => compare('conv4', [16, 16, 1]));
test('ONNX export of the small ResNet (stride-2 convs, projections, global pooling, 3 channels) matches tfjs', () => compare('resnet-small', [17, 15, 3]));
