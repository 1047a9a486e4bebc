import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workspace } from '../store/workspace.js';
import { ensureSplit, readSplit } from '../datasets/workspace-split.js';
import { readArtifact, takeArray } from '../util/artifact-file.js';
import { squash, regressionManifest, writeRegressionManifest, autoScale } from './targets.js';
import { WordVectors } from '../embeddings/vectors.js';
import { writeKeywordFixture } from '../../testing/keyword-fixture.js';

test('squash is the logistic sigmoid g(x) = 1 / (1 + e^-x), into (0, 1)', () => {
  const z = [-30, -1, 0, 0.5, 2, 30];
  const t = squash(z);
  z.forEach((x, i) => assert.ok(Math.abs(t[i]! - 1 / (1 + Math.exp(-x))) < 1e-6));
  assert.equal(t[2], 0.5);
  assert.ok(t.every((v) => v >= 0 && v <= 1));
  // Monotonic, so the network's logit estimates z itself.
  for (let i = 1; i < t.length; i++) assert.ok(t[i]! >= t[i - 1]!);
});

test('the regression manifest: one row per image and bigram, targets g([v(w1), v(w2)]), images without a bigram counted per split', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-kw-targets-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const { images, vectors } = await writeKeywordFixture(ws, { cases: 20, imagesPerCase: 2, size: 16, seed: 2 });
    assert.throws(() => regressionManifest(ws, vectors), /no split yet/);
    ensureSplit(ws, { seed: 1 });
    // A second bigram on one image, and one whose word has no vector.
    const first = images.find((i) => i.truth.length > 0)!;
    const key = ws.db.prepare('SELECT key_image_id AS k FROM links WHERE sop_instance_uid = ?').get(first.sop) as { k: number };
    ws.db.prepare("INSERT INTO image_bigrams (key_image_id, ref_id, word1, word2) VALUES (?, 0, 'kidney', 'stone')").run(key.k);
    ws.db.prepare("INSERT INTO image_bigrams (key_image_id, ref_id, word1, word2) VALUES (?, 0, 'kidney', 'unknownword')").run(key.k);

    const m = regressionManifest(ws, vectors, { scale: 1 });
    assert.equal(m.scale, 1);
    const D = vectors.vectorSize;
    assert.equal(m.targetDim, 2 * D);
    const split = readSplit(ws);
    const withTruth = images.filter((i) => i.truth.length > 0);
    assert.equal(m.rows.length, withTruth.length + 1, 'one row per (image, bigram): the image with two bigrams is trained twice');
    assert.deepEqual(m.rows.filter((r) => r.id === first.sop).map((r) => `${r.word1} ${r.word2}`), [first.truth.join(' '), 'kidney stone']);
    assert.equal(m.counts.bigramsWithoutVectors, 1);
    for (const s of ['train', 'validation', 'test'] as const) {
      const inSplit = images.filter((i) => split.get(i.sop) === s);
      assert.equal(m.counts.images[s], inSplit.length);
      assert.equal(m.counts.imagesWithoutBigrams[s], inSplit.filter((i) => i.truth.length === 0).length, `${s}: images without a bigram are counted`);
      assert.equal(m.counts.imagesWithBigrams[s] + m.counts.imagesWithoutBigrams[s], inSplit.length);
      assert.equal(m.counts.rows[s], m.rows.filter((r) => r.split === s).length);
    }
    for (const r of m.rows) {
      assert.equal(r.split, split.get(r.id), 'each row keeps its image\'s split');
      const t = m.targets.subarray(r.row * 2 * D, (r.row + 1) * 2 * D);
      const z = [...vectors.vector(r.word1), ...vectors.vector(r.word2)];
      z.forEach((x, d) => assert.ok(Math.abs(t[d]! - 1 / (1 + Math.exp(-x))) < 1e-6));
    }

    const paths = writeRegressionManifest(ws, m);
    const json = JSON.parse(readFileSync(paths.manifest, 'utf8')) as { rows: unknown[]; digest: string; targetDim: number };
    assert.equal(json.rows.length, m.rows.length);
    assert.equal(json.digest, m.digest);
    const art = readArtifact(paths.targets, { kind: 'regression-targets', versions: [1] });
    assert.deepEqual(takeArray(art, 'targets', 'f32', [m.rows.length, 2 * D]), m.targets);
    assert.equal(regressionManifest(ws, vectors, { scale: 1 }).digest, m.digest, 'the same inputs give the same digest');

    // Short vectors (a small corpus's) are scaled by one factor to elements of RMS 1 before the sigmoid.
    const short = new WordVectors(vectors.words, vectors.vectors.map((x) => x * 0.01), D);
    const s = autoScale(short);
    assert.ok(Math.abs(Math.sqrt(short.vectors.reduce((a, x) => a + (s * x) ** 2, 0) / short.vectors.length) - 1) < 1e-6);
    const scaled = regressionManifest(ws, short);
    assert.equal(scaled.scale, s);
    assert.ok(Math.abs(s - 100 * autoScale(vectors)) < 1e-3 * s);
    for (const r of scaled.rows) {
      const z = [...short.vector(r.word1), ...short.vector(r.word2)];
      z.forEach((x, d) => assert.ok(Math.abs(scaled.targets[r.row * 2 * D + d]! - 1 / (1 + Math.exp(-s * x))) < 1e-6));
    }
    assert.notEqual(scaled.digest, m.digest);
    assert.throws(() => regressionManifest(ws, vectors, { scale: 0 }), /scale must be a number > 0/);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
