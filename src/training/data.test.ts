import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchAssembler, syntheticDataset, splitDataset } from './data.js';
import { Rng } from '../util/rng.js';

const tiny = { numImages: 2, imageShape: [3, 4, 1] as [number, number, number], pixels: Uint8Array.from({ length: 24 }, (_, i) => i * 10), pixelScale: 0.1, labels: Int32Array.of(0, 1) };

test('the centre crop, scaled, in HWC order', () => {
  const a = new BatchAssembler(tiny, [2, 2], 2);
  const b = a.assemble([1], undefined, false);
  // image 1 starts at 12; centre crop top 0, left 1 → pixels 13,14 / 17,18 (×10×0.1)
  assert.deepEqual([...b.images], [13, 14, 17, 18]);
  assert.deepEqual([...b.labels!], [1]);
});

test('random crops stay inside the image, flips mirror rows, and the same seed gives the same batch', () => {
  const a = new BatchAssembler(tiny, [2, 3], 2);
  const first = [...a.assemble([0, 1], new Rng(5), true).images];
  const again = [...a.assemble([0, 1], new Rng(5), true).images];
  assert.deepEqual(first, again);
  let flipped = 0;
  for (let s = 0; s < 20; s++) {
    const img = [...a.assemble([0], new Rng(s), true).images];
    for (const v of img) assert.ok(v >= 0 && v < 12);
    if (img[0]! > img[2]!) flipped++;
  }
  assert.ok(flipped > 0 && flipped < 20, `flipped ${flipped} of 20`);
});

test('grayscale images feed a 3-channel network by replication; other channel changes are refused', () => {
  const a = new BatchAssembler(tiny, [1, 1], 1, 3);
  assert.deepEqual([...a.assemble([0], undefined, false).images], [5, 5, 5]);
  assert.throws(() => new BatchAssembler({ ...tiny, imageShape: [2, 4, 3], pixels: new Uint8Array(48) }, undefined, 1, 1), /only 1 → 3/);
});

test('the synthetic task and its split are reproducible from the seed', () => {
  const a = syntheticDataset({ numImages: 30, numClasses: 3, size: 12, seed: 4 });
  const b = syntheticDataset({ numImages: 30, numClasses: 3, size: 12, seed: 4 });
  assert.deepEqual(a.pixels, b.pixels);
  const s = splitDataset(a, 0.2, 1);
  assert.equal(s.train.numImages + s.validation.numImages, 30);
  assert.equal(s.validation.numImages, 6);
});
