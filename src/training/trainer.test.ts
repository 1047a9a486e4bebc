import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tf, useDevice } from './backend.js';
import { buildModel } from './models.js';
import { syntheticDataset, splitDataset, subset } from './data.js';
import { evaluate, trainModel } from './trainer.js';
import { readArrays, trainableVariables } from './sgd.js';
import { activationFloatsPerImage, autoMicroBatch } from './micro-batch.js';

const SIZE = 16;

function tinyTask(seed = 1, targetDim?: number) {
  const opts: Parameters<typeof syntheticDataset>[0] = { numImages: 240, numClasses: 4, size: SIZE + 2, seed };
  if (targetDim !== undefined) opts.targetDim = targetDim;
  return splitDataset(syntheticDataset(opts), 0.25, seed);
}

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return readArrays(trainableVariables(model).vars);
}

test('a small network learns the synthetic task to high accuracy (softmax head, random crops and flips)', async () => {
  await useDevice('cpu');
  const { train, validation } = tinyTask();
  const model = buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 4, seed: 3 });
  const report = await trainModel(model, train, { head: 'softmax', epochs: 8, batchSize: 16, learningRate: 0.02, validation, seed: 5 });
  const last = report.epochs[report.epochs.length - 1]!;
  assert.ok(last.valAccuracy! >= 0.9, `validation accuracy ${last.valAccuracy}`);
  assert.ok(last.trainLoss < report.epochs[0]!.trainLoss);
  model.dispose();
});

test('the sigmoid head regresses to binary codes', async () => {
  await useDevice('cpu');
  const { train, validation } = tinyTask(2, 12);
  const model = buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 12, seed: 3 });
  const before = await evaluate(model, validation, 'sigmoid');
  await trainModel(model, train, { head: 'sigmoid', epochs: 6, batchSize: 16, learningRate: 0.01, seed: 5 });
  const after = await evaluate(model, validation, 'sigmoid');
  assert.ok(after.loss < 0.5 * before.loss, `loss ${before.loss} → ${after.loss}`);
  model.dispose();
});

test('a crash mid-training resumes from the checkpoint to the same final weights', async () => {
  await useDevice('cpu');
  const { train } = tinyTask(3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsmine-ckpt-'));
  const options = { head: 'softmax' as const, epochs: 3, batchSize: 32, learningRate: 0.01, seed: 9, crop: [SIZE, SIZE] as [number, number], lrMultipliers: { head: 10 } };
  const whole = buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 4, seed: 3 });
  await trainModel(whole, train, options);
  const expected = await weightsOf(whole);

  const crashing = buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 4, seed: 3 });
  const ckpt = path.join(dir, 'ckpt.pacsmine');
  await assert.rejects(
    trainModel(crashing, train, { ...options, checkpoint: { file: ckpt, everySteps: 2 }, onStep: ({ epoch, step }) => { if (epoch === 1 && step === 4) throw new Error('simulated crash'); } }),
    /simulated crash/,
  );
  // Another run (other starting weights) ignores the checkpoint; the same run resumes from it.
  const other = buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 4, seed: 77 });
  assert.equal((await trainModel(other, train, { ...options, epochs: 1, checkpoint: { file: path.join(dir, 'other.pacsmine') } })).resumedFrom, undefined);
  fs.copyFileSync(ckpt, path.join(dir, 'other.pacsmine'));
  const other2 = buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 4, seed: 77 });
  assert.equal((await trainModel(other2, train, { ...options, epochs: 1, checkpoint: { file: path.join(dir, 'other.pacsmine') } })).resumedFrom, undefined);
  const fresh = buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 4, seed: 3 });
  const report = await trainModel(fresh, train, { ...options, checkpoint: { file: ckpt } });
  assert.deepEqual(report.resumedFrom, { epoch: 1, step: 4 });
  assert.equal(report.epochs.length, 3);
  const actual = await weightsOf(fresh);
  actual.forEach((a, i) => assert.deepEqual(a, expected[i], `variable ${i} differs`));
  fs.rmSync(dir, { recursive: true, force: true });
  for (const m of [whole, crashing, fresh, other, other2]) m.dispose();
});

test('early stopping stops when validation stops improving and restores the best weights', async () => {
  await useDevice('cpu');
  const { train } = tinyTask(4);
  // Validation labels unrelated to the images: the better it fits train, the worse validation gets.
  const noise = subset(train, Array.from({ length: 40 }, (_, i) => i));
  const shuffled = { ...noise, labels: Int32Array.from(noise.labels!, (l) => (l + 1) % 4) };
  const model = buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 4, seed: 3 });
  const report = await trainModel(model, train, { head: 'softmax', epochs: 30, batchSize: 16, learningRate: 0.02, validation: shuffled, patience: 2, seed: 1 });
  assert.equal(report.stoppedEarly, true);
  assert.ok(report.epochs.length < 30);
  const best = report.epochs[report.bestEpoch]!;
  const now = await evaluate(model, shuffled, 'softmax', 16);
  assert.ok(Math.abs(now.loss - best.valLoss!) < 1e-5, `restored loss ${now.loss} vs best ${best.valLoss}`);
  model.dispose();
});

test('data-parallel engines (this thread + 1 or 2 worker threads) and micro-batches give the same weights as one pass on one thread, up to float rounding', async () => {
  await useDevice('cpu');
  const { train } = tinyTask(5);
  const small = subset(train, Array.from({ length: 64 }, (_, i) => i));
  const options = { head: 'softmax' as const, epochs: 1, batchSize: 31, learningRate: 0.01, seed: 2 };
  const one = buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 4, seed: 3 });
  await trainModel(one, small, options);
  const a = await weightsOf(one);
  const init = await weightsOf(buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 4, seed: 3 }));
  let changed = 0;
  a.forEach((w, i) => w.forEach((x, j) => { if (x !== init[i]![j]) changed++; }));
  assert.ok(changed > 1000, 'training changed the weights');
  for (const split of [{ workers: 1 }, { workers: 2 }, { microBatch: 7 }, { workers: 1, microBatch: 5 }]) {
    const many = buildModel({ architecture: 'conv4', inputShape: [SIZE, SIZE, 1], numOutputs: 4, seed: 3 });
    await trainModel(many, small, { ...options, ...split });
    const b = await weightsOf(many);
    let maxDiff = 0;
    a.forEach((w, i) => w.forEach((x, j) => { maxDiff = Math.max(maxDiff, Math.abs(x - b[i]![j]!)); }));
    assert.ok(maxDiff < 1e-5, `${JSON.stringify(split)}: max difference ${maxDiff}`);
    many.dispose();
  }
});

test('the automatic micro-batch fits the wasm heap: whole batches for small nets, an error when not even one image fits', async () => {
  await useDevice('cpu');
  const conv4 = buildModel({ architecture: 'conv4', inputShape: [128, 128, 1], numOutputs: 10, seed: 1 });
  assert.ok(autoMicroBatch(conv4, 'wasm') >= 50, `conv4 at 128: ${autoMicroBatch(conv4, 'wasm')}`);
  assert.equal(autoMicroBatch(conv4, 'webgpu'), Number.POSITIVE_INFINITY);
  // Every layer's output: conv and pool four times, flatten, head.
  assert.equal(activationFloatsPerImage(conv4), 128 * 128 * 16 + 64 * 64 * 16 + 64 * 64 * 32 + 32 * 32 * 32 + 32 * 32 * 64 + 16 * 16 * 64 + 16 * 16 * 128 + 2 * 8 * 8 * 128 + 10);
  conv4.dispose();
  // Too many activations per image.
  const huge = buildModel({ architecture: 'conv4', inputShape: [2048, 2048, 1], numOutputs: 10, seed: 1 });
  assert.throws(() => autoMicroBatch(huge, 'wasm'), /does not fit the 4 GB wasm heap/);
  huge.dispose();
  // Too many weights: VGG-19 at 224 (139M) is for the GPU.
  const vgg = buildModel({ architecture: 'vgg19', inputShape: [224, 224, 3], numOutputs: 10, seed: 1 });
  assert.throws(() => autoMicroBatch(vgg, 'wasm'), /vgg19 does not fit the 4 GB wasm heap/);
  assert.equal(autoMicroBatch(vgg, 'webgpu'), Number.POSITIVE_INFINITY);
  vgg.dispose();
});
