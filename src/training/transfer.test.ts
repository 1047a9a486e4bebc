import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tf, useDevice } from './backend.js';
import { buildModel } from './models.js';
import { syntheticDataset, splitDataset } from './data.js';
import { trainModel } from './trainer.js';
import { loadLayersModel, replaceHead } from './model-io.js';

/** Writes `model` as tensorflowjs_converter would (model.json + one weights file): the user's weights. */
async function writeLayersFolder(model: tf.LayersModel, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    const data = a.weightData === undefined ? [] : Array.isArray(a.weightData) ? a.weightData : [a.weightData];
    fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.concat(data.map((b) => Buffer.from(b))));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs ?? [] }] }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

test('a tfjs layers model (the user\'s weights) loads from local files with the same weights, takes a new head, and fine-tunes (10x LR on the head)', async () => {
  await useDevice('cpu');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsmine-transfer-'));
  const first = splitDataset(syntheticDataset({ numImages: 160, numClasses: 4, size: 16, seed: 1 }), 0.25, 1);
  const source = buildModel({ architecture: 'conv4', inputShape: [16, 16, 1], numOutputs: 4, seed: 2 });
  await trainModel(source, first.train, { head: 'softmax', epochs: 3, batchSize: 16, learningRate: 0.02, flip: false });
  await writeLayersFolder(source, path.join(dir, 'level1'));

  const loaded = await loadLayersModel(path.join(dir, 'level1', 'model.json'));
  const a = source.getWeights().map((w) => w.dataSync());
  const b = loaded.getWeights().map((w) => w.dataSync());
  assert.equal(b.length, a.length);
  a.forEach((w, i) => assert.deepEqual(b[i], w));

  // Second level: 6 classes, as the paper trained its second level from the first.
  const second = splitDataset(syntheticDataset({ numImages: 240, numClasses: 6, size: 16, seed: 5 }), 0.25, 5);
  const tuned = replaceHead(loaded, { numOutputs: 6, seed: 3 });
  assert.equal(tuned.outputs[0]!.shape[1], 6);
  const conv1Before = loaded.getLayer('conv1').getWeights()[0]!.dataSync().slice();
  const report = await trainModel(tuned, second.train, { head: 'softmax', epochs: 6, batchSize: 16, learningRate: 0.01, lrMultipliers: { head: 10 }, validation: second.validation, flip: false });
  assert.ok(report.epochs.at(-1)!.valAccuracy! >= 0.8, `fine-tuned accuracy ${report.epochs.at(-1)!.valAccuracy}`);
  assert.notDeepEqual(tuned.getLayer('conv1').getWeights()[0]!.dataSync(), conv1Before, 'the body is fine-tuned too');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('loading a file that is not a layers model fails with a clear error', async () => {
  await useDevice('cpu');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsmine-transfer-'));
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'graph-model' }));
  await assert.rejects(loadLayersModel(dir), /modelTopology and weightsManifest/);
  fs.rmSync(dir, { recursive: true, force: true });
});
