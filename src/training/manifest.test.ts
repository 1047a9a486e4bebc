import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadManifestDataset } from './manifest.js';
import { runTraining } from './run.js';
import { predictManifest } from './predict.js';
import { useDevice } from './backend.js';
import { buildModel } from './models.js';
import { trainModel } from './trainer.js';

async function writePng(file: string, value: number, size: number): Promise<void> {
  const raw = Buffer.alloc(size * size, value);
  await sharp(raw, { raw: { width: size, height: size, channels: 1 } }).png().toFile(file);
}

test('a JSON manifest of PNGs loads as bytes with sorted class ids; bad records are rejected, not fatal', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsmine-manifest-'));
  await writePng(path.join(dir, 'a.png'), 200, 12);
  await writePng(path.join(dir, 'b.png'), 10, 9);
  fs.writeFileSync(path.join(dir, 'bad.png'), 'not a png');
  const manifest = path.join(dir, 'm.json');
  fs.writeFileSync(manifest, JSON.stringify([{ path: 'a.png', label: 'lung' }, { path: 'bad.png', label: 'lung' }, { path: 'b.png', label: 'brain' }, { path: 'missing.png', label: 'x' }]));
  const m = await loadManifestDataset(manifest, { size: 8, channels: 1 });
  assert.deepEqual(m.classNames, ['brain', 'lung', 'x']);
  assert.equal(m.data.numImages, 2);
  assert.deepEqual([...m.data.labels!], [1, 0]);
  assert.deepEqual(m.rejects.map((r) => r.index), [1, 3]);
  assert.equal(m.data.pixels![0], 200);
  assert.equal(m.data.pixels![64], 10);
  const rgb = await loadManifestDataset(manifest, { size: 4, channels: 3 });
  assert.equal(rgb.data.pixels!.length, 2 * 4 * 4 * 3);
  // The same set kept on disk reads back the same bytes, and trains to the same weights.
  const inMemory = await loadManifestDataset(manifest, { size: 16, channels: 1 });
  const cached = await loadManifestDataset(manifest, { size: 16, channels: 1, cacheFile: path.join(dir, 'cache.u8') });
  assert.equal(cached.data.pixels, undefined);
  assert.deepEqual([...cached.data.readImage!(1)], [...inMemory.data.pixels!.subarray(256, 512)]);
  await useDevice('cpu');
  const weightsAfter = async (data: typeof m.data) => {
    const model = buildModel({ architecture: 'conv4', inputShape: [16, 16, 1], numOutputs: 3, seed: 1 });
    await trainModel(model, data, { head: 'softmax', epochs: 2, batchSize: 2, crop: [16, 16] });
    const w = model.getWeights().map((t) => [...t.dataSync()]);
    model.dispose();
    return w;
  };
  assert.deepEqual(await weightsAfter(cached.data), await weightsAfter(inMemory.data));
  (cached.data as unknown as { close(): void }).close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('runTraining trains from a manifest and saves model.pacsmine and model.onnx', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacsmine-run-'));
  const entries = [];
  for (let i = 0; i < 24; i++) {
    const label = i % 2 === 0 ? 'dark' : 'bright';
    await writePng(path.join(dir, `${i}.png`), label === 'dark' ? 20 + i : 220 - i, 18);
    entries.push({ path: `${i}.png`, label });
  }
  fs.writeFileSync(path.join(dir, 'm.json'), JSON.stringify(entries));
  const out = path.join(dir, 'out');
  const r = await runTraining({ device: 'cpu', architecture: 'conv4', manifest: path.join(dir, 'm.json'), imageSize: 18, cropSize: 16, channels: 1, head: 'softmax', epochs: 2, batchSize: 8, learningRate: 0.01, seed: 1, validationFraction: 0.25, workers: 0, outDir: out });
  assert.equal(r.numTrain + r.numValidation, 24);
  assert.equal(r.epochs.length, 2);
  assert.deepEqual(fs.readdirSync(out).sort(), ['model.onnx', 'model.pacsmine']);
  // Label the same images with the saved network: unlabelled records are fine here.
  fs.writeFileSync(path.join(dir, 'u.json'), JSON.stringify([...entries.map((e) => ({ path: e.path })), { path: 'nope.png' }]));
  const p = await predictManifest(out, path.join(dir, 'u.json'), { threads: 1 });
  assert.equal(p.predictions.length, 24);
  assert.deepEqual(p.rejects.map((x) => x.index), [24]);
  for (const q of p.predictions) assert.ok(['bright', 'dark'].includes(q.label!) && q.score! >= 0.5 && q.score! <= 1);
  fs.rmSync(dir, { recursive: true, force: true });
});
