import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, useDevice } from './backend.js';
import { buildModel } from './models.js';
import { syntheticDataset } from './data.js';
import { headLoss } from './losses.js';
import { sampledEpochOrder, trainModel } from './trainer.js';
import { readArrays, trainableVariables } from './sgd.js';

test('weighted loss: weights of 1 change nothing; otherwise each image\'s cross-entropy times its class\'s weight, averaged over images', async () => {
  await useDevice('cpu');
  const logits = tf.tensor2d([[2, 0, -1], [0.5, 0.2, 0.1], [-1, 3, 0], [0, 0, 0]]);
  const batch = { images: new Float32Array(0), size: 4, labels: Int32Array.from([0, 1, 1, 2]) };
  const plain = (await headLoss('softmax', logits, batch, 3).data())[0]!;
  const ones = (await headLoss('softmax', logits, batch, 3, Float32Array.from([1, 1, 1])).data())[0]!;
  assert.ok(Math.abs(plain - ones) < 1e-6);
  const ce = (await tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(batch.labels, 'int32'), 3), logits, undefined, 0, tf.Reduction.NONE).data());
  const w = [2, 0.5, 0];
  const expected = (ce[0]! * 2 + ce[1]! * 0.5 + ce[2]! * 0.5 + ce[3]! * 0) / 4;
  const weighted = (await headLoss('softmax', logits, batch, 3, Float32Array.from(w)).data())[0]!;
  assert.ok(Math.abs(weighted - expected) < 1e-6, `${weighted} vs ${expected}`);
});

test('class-balanced sampling draws each class in proportion to its weight, the same for a seed and epoch', () => {
  const labels = Int32Array.from({ length: 4000 }, (_, i) => (i < 3000 ? 0 : 1));
  const order = sampledEpochOrder(labels, [1, 3], 7, 0);
  assert.equal(order.length, 4000);
  const share1 = order.filter((i) => labels[i] === 1).length / order.length;
  // 1000 images of weight 3 against 3000 of weight 1: half the draws.
  assert.ok(Math.abs(share1 - 0.5) < 0.03, `class 1 drawn ${share1}`);
  assert.deepEqual(sampledEpochOrder(labels, [1, 3], 7, 0), order);
  assert.notDeepEqual(sampledEpochOrder(labels, [1, 3], 7, 1), order);
  assert.ok(sampledEpochOrder(labels, [0, 1], 7, 0).every((i) => labels[i] === 1), 'weight 0: never drawn');
  assert.throws(() => sampledEpochOrder(labels, [0, 0], 7, 0), /weight 0/);
});

test('class weights give the same step with two engines as with one; LR multipliers reach a layer\'s bias alone', async () => {
  await useDevice('cpu');
  const data = syntheticDataset({ numImages: 48, numClasses: 3, size: 16, seed: 2 });
  const options = { head: 'softmax' as const, epochs: 1, batchSize: 16, learningRate: 0.05, seed: 4, flip: false, classWeights: [0.5, 1, 2] };
  const weightsAfter = async (workers: number) => {
    const model = buildModel({ architecture: 'conv4', inputShape: [16, 16, 1], numOutputs: 3, seed: 3 });
    await trainModel(model, data, { ...options, workers });
    const out = await readArrays(trainableVariables(model).vars);
    model.dispose();
    return out;
  };
  const one = await weightsAfter(0);
  const two = await weightsAfter(1);
  one.forEach((w, i) => w.forEach((x, j) => assert.ok(Math.abs(x - two[i]![j]!) < 1e-4, `variable ${i}[${j}]: ${x} vs ${two[i]![j]}`)));
  const unweighted = buildModel({ architecture: 'conv4', inputShape: [16, 16, 1], numOutputs: 3, seed: 3 });
  await trainModel(unweighted, data, { ...options, classWeights: undefined, workers: 0 });
  const plain = await readArrays(trainableVariables(unweighted).vars);
  assert.ok(plain.some((w, i) => w.some((x, j) => Math.abs(x - one[i]![j]!) > 1e-5)), 'the weights change the step');
  unweighted.dispose();

  const model = buildModel({ architecture: 'conv4', inputShape: [16, 16, 1], numOutputs: 3, seed: 3 });
  const { vars, layerNames } = trainableVariables(model);
  const before = await readArrays(vars);
  await trainModel(model, data, { ...options, lrMultipliers: { conv1: 0, conv2: 0, conv3: 0, conv4: 0, head: 0, 'head/bias': 1 } });
  const after = await readArrays(vars);
  layerNames.forEach((name, i) => {
    const changed = after[i]!.some((x, j) => x !== before[i]![j]);
    assert.equal(changed, name === 'head' && vars[i]!.rank === 1, `${name} ${vars[i]!.rank === 1 ? 'bias' : 'kernel'}`);
  });
  await assert.rejects(trainModel(model, data, { ...options, classWeights: [1, 1] }), /3 numbers/);
  model.dispose();
});
