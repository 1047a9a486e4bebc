/**
 * ImageClassifier and ImageRegressor, the CNNs' shape of a model (docs/architecture.md): options
 * checked up front, train → save → load → infer giving the same outputs, cancellation, progress,
 * damaged files, dispose, and gradient workers that die or throw. Tiny conv4 networks on a few
 * synthetic 16×16 images.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { syntheticDataset, subset } from './data.js';
import { ImageClassifier } from './image-classifier.js';
import { ImageRegressor } from './image-regressor.js';
import { IMAGE_MODEL_FILE, imageModelDigest, readImageModel } from './image-model-file.js';
import { CancelledError, FormatError, OptionsError, WorkerError } from '../util/errors.js';
import { setSpawnHook } from '../util/workers.js';
import type { Progress } from '../util/progress.js';
import { killWorkerAfter } from '../../testing/kill-worker.js';

const SHAPE = [16, 16, 1] as const;
const CLASSES = ['a', 'b', 'c'];
const images = (seed = 1, targetDim?: number) => syntheticDataset({ numImages: 48, numClasses: 3, size: 16, seed, ...(targetDim !== undefined ? { targetDim } : {}) });
const small = { inputShape: SHAPE, epochs: 1, batchSize: 16, learningRate: 0.01, seed: 2, workers: 0, device: 'cpu' } as const;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pacsmine-image-model-'));
}

test('the constructor checks every option, naming it, and trains nothing', () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ epochs: 0 }, /option `epochs`/],
    [{ batchSize: 2.5 }, /option `batchSize`/],
    [{ learningRate: -1 }, /option `learningRate`/],
    [{ inputShape: [16, 16, 2] }, /option `inputShape`/],
    [{ inputShape: undefined }, /option `inputShape` is required/],
    [{ architecture: 'lenet' }, /option `architecture`/],
    [{ architecture: 'conv4', from: '/somewhere' }, /`architecture`.*`from`.*not both/],
    [{ workers: -1 }, /workers must be an integer/],
    [{ fit: 'crop' }, /option `fit`/],
    [{ device: 'tpu' }, /option `device`/],
    [{ classNames: [] }, /option `classNames`/],
    [{ classNames: ['a', 'a'] }, /names a class twice/],
    [{ balance: { mode: 'weighted', classWeights: { a: -2 } } }, /option `balance`/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => new ImageClassifier({ ...small, classNames: CLASSES, ...options } as never), (e: unknown) => e instanceof OptionsError && message.test(e.message), JSON.stringify(options));
  }
  assert.throws(() => new ImageRegressor({ ...small, targetDim: 0 }), /option `targetDim`/);
  const model = new ImageClassifier({ ...small, classNames: CLASSES });
  assert.equal(model.isTrained, false);
  assert.throws(() => model.description, /not trained yet/);
  assert.deepEqual(model.classNames, CLASSES);
});

test('train → save → load → infer: the loaded classifier gives the outputs of the trained one; progress is reported per step', async () => {
  const dir = tmp();
  try {
    const data = images();
    const model = new ImageClassifier({ ...small, epochs: 2, classNames: CLASSES, facts: { level: 'document' } });
    const progress: Progress[] = [];
    await assert.rejects(model.train({ ...data, labels: Int32Array.from(data.labels!, (l) => l + 1) }), /label 3, outside the 3 classes/);
    const report = await model.train(data, { onProgress: (p) => progress.push(p), validation: subset(data, [0, 1, 2, 3]) });
    assert.equal(report.epochs.length, 2);
    assert.equal(report.workers, 0);
    assert.equal(report.numTrain, 48);
    assert.deepEqual(progress.map((p) => p.done), [1, 2, 3, 4, 5, 6], 'one value per step, 3 steps per epoch');
    assert.ok(progress.every((p) => p.stage === 'train' && p.unit === 'steps' && p.total === 6 && /^epoch [12]\/2, loss/.test(p.detail!)));

    const probe = subset(images(9), [0, 1, 2, 3, 4]);
    const before = await model.outputs(probe);
    const guesses = await model.infer(probe, { top: 2 });
    assert.equal(guesses.length, 5);
    for (const g of guesses) {
      assert.equal(g.length, 2);
      assert.ok(CLASSES.includes(g[0]!.label) && g[0]!.probability >= g[1]!.probability && g[0]!.probability <= 1);
    }
    const file = await model.save(dir);
    assert.equal(file, path.join(dir, IMAGE_MODEL_FILE));
    const loaded = await ImageClassifier.load(dir);
    assert.deepEqual(loaded.description, model.description);
    assert.equal(loaded.description.facts['level'], 'document');
    assert.deepEqual(loaded.description.inputShape, [16, 16, 1]);
    assert.deepEqual(await loaded.outputs(probe), before, 'the same logits, bit for bit');
    assert.deepEqual(await loaded.infer(probe, { top: 2 }), guesses);
    // Saved weights are the trained ones.
    const saved = readImageModel(dir).weights;
    assert.ok(saved.length >= 10 && saved.every((w) => w.data.length === w.shape.reduce((a, b) => a * b, 1)));
    loaded.dispose();
    model.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a regressor fine-tuned from a classifier in memory leaves it unchanged; saved and loaded, it gives the same vectors', async () => {
  const dir = tmp();
  try {
    const parent = new ImageClassifier({ ...small, classNames: CLASSES });
    await parent.train(images());
    const probe = subset(images(9), [0, 1, 2]);
    const parentBefore = await parent.outputs(probe);
    const regressor = new ImageRegressor({ ...small, inputShape: undefined, from: parent, targetDim: 6, epochs: 2 } as never);
    await assert.rejects(regressor.train(images()), /6-d targets, the images have none/);
    await regressor.train(images(1, 6));
    assert.deepEqual(await parent.outputs(probe), parentBefore, 'training the copy did not touch the parent');
    assert.equal(regressor.description.from, 'memory');
    assert.equal(regressor.description.head, 'sigmoid');
    const vectors = await regressor.infer(probe);
    assert.equal(vectors.length, 3);
    assert.ok(vectors.every((v) => v.length === 6));
    await regressor.save(dir);
    const loaded = await ImageRegressor.load(dir);
    assert.deepEqual(await loaded.infer(probe), vectors);
    await assert.rejects(ImageClassifier.load(dir), (e: unknown) => e instanceof FormatError && /holds a "image-regressor" artifact, not the "image-classifier"/.test(e.message));
    // From a saved folder: the same network to start from, wherever it lies; the digest leaves the path out.
    const places = [path.join(dir, 'here'), path.join(dir, 'there')];
    for (const p of places) await parent.save(p);
    const digests: string[] = [];
    for (const from of places) {
      const again = new ImageRegressor({ ...small, inputShape: undefined, from, targetDim: 4 } as never);
      await again.train(images(2, 4));
      assert.equal(again.description.from, from);
      await again.save(path.join(from, 'child'));
      digests.push(imageModelDigest(path.join(from, 'child')));
      again.dispose();
    }
    assert.equal(digests[0], digests[1]);
    for (const m of [parent, regressor, loaded]) m.dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a truncated, damaged or foreign model file is a FormatError that says so', async () => {
  const dir = tmp();
  try {
    const model = new ImageClassifier({ ...small, classNames: CLASSES });
    await model.train(images());
    const file = await model.save(dir);
    model.dispose();
    const whole = fs.readFileSync(file);
    fs.writeFileSync(file, whole.subarray(0, whole.length - 100));
    await assert.rejects(ImageClassifier.load(dir), (e: unknown) => e instanceof FormatError && /is truncated: .* needs \d+ bytes, the file has \d+/.test(e.message));
    fs.writeFileSync(file, whole.subarray(0, 10));
    await assert.rejects(ImageClassifier.load(dir), /is truncated/);
    fs.writeFileSync(file, Buffer.from('{"modelTopology": {}, "weightsManifest": []}'));
    await assert.rejects(ImageClassifier.load(file), (e: unknown) => e instanceof FormatError && /not a pacsmine artifact/.test(e.message));
    await assert.rejects(ImageClassifier.load(path.join(dir, 'missing')), /cannot open/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('dispose frees the model: every later call is an OptionsError', async () => {
  const model = new ImageClassifier({ ...small, classNames: CLASSES });
  await model.train(images());
  model.dispose();
  const probe = subset(images(), [0]);
  await assert.rejects(model.train(images()), /was disposed/);
  await assert.rejects(model.infer(probe), /was disposed/);
  await assert.rejects(model.save(tmp()), /was disposed/);
  assert.throws(() => model.description, /was disposed/);
  model.dispose(); // twice is harmless
});

test('aborting the signal stops training with CancelledError, in this thread and with gradient workers', async () => {
  for (const workers of [0, 1]) {
    const model = new ImageClassifier({ ...small, epochs: 5, classNames: CLASSES, workers });
    const abort = new AbortController();
    const steps: number[] = [];
    await assert.rejects(
      model.train(images(), { signal: abort.signal, onProgress: (p) => { steps.push(p.done); if (p.done === 2) abort.abort(); } }),
      (e: unknown) => e instanceof CancelledError && e.code === 'CANCELLED' && /^train: cancelled/.test(e.message),
    );
    assert.deepEqual(steps, [1, 2], `workers ${workers}: stopped after the step that aborted`);
    model.dispose();
  }
  const before = new AbortController();
  before.abort();
  await assert.rejects(new ImageRegressor({ ...small, targetDim: 6 }).train(images(1, 6), { signal: before.signal }), (e: unknown) => e instanceof CancelledError && /^regress: cancelled/.test(e.message));
});

test('with one-image batches, workers 1 trains what workers 0 does (one slice, on this thread)', async () => {
  // With batchSize 1 there is one slice: the worker idles and the result is this thread's, bit for bit.
  const probe = subset(images(9), [0, 1]);
  const outputs = async (workers: number) => {
    const m = new ImageClassifier({ ...small, batchSize: 1, classNames: CLASSES, workers });
    await m.train(subset(images(), [0, 1, 2, 3, 4, 5]));
    const out = await m.outputs(probe);
    m.dispose();
    return out;
  };
  assert.deepEqual(await outputs(1), await outputs(0));
});

test('a gradient worker killed or throwing mid-train fails the run with a WorkerError naming the stage; nothing hangs', async () => {
  const restore = killWorkerAfter('train', 0, 2); // after its ready message and its first reply
  try {
    const model = new ImageClassifier({ ...small, epochs: 3, classNames: CLASSES, workers: 1 });
    await assert.rejects(model.train(images()), (e: unknown) => e instanceof WorkerError && /^train: worker 0 of 1 exited unexpectedly/.test(e.message));
    model.dispose();
  } finally {
    restore();
  }
  // A worker whose handler throws (here: a request for a slice outside the shared batch).
  const previous = setSpawnHook((stage, index, worker) => {
    if (stage === 'regress') worker.once('message', () => worker.postMessage({ kind: 'request', id: 1e9, body: { start: -1, count: 1, weightsVersion: 0, stepSeed: 0 } }));
  });
  try {
    const model = new ImageRegressor({ ...small, epochs: 3, targetDim: 6, workers: 1 });
    await assert.rejects(model.train(images(1, 6)), (e: unknown) => e instanceof WorkerError && /^regress: worker 0 of 1 failed: .*outside the shared batch/.test(e.message));
    model.dispose();
  } finally {
    setSpawnHook(previous);
  }
});
