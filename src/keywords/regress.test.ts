/**
 * The regression CNN on the keyword fixture (testing/keyword-fixture.ts): fine-tuned from the
 * document classifier, trained on training rows only, and its outputs (as logits) land nearer
 * their own topic's bigram vectors than any other topic's on test images it never saw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workspace } from '../store/workspace.js';
import { buildLevelDataset } from '../datasets/level.js';
import { trainLevel } from '../training/chain.js';
import { readImageModelDescription } from '../training/image-model-file.js';
import { trainRegression, readRegressionOutputs, REGRESS_STAGE } from './regress.js';
import { cosine } from './predict-keywords.js';
import { TOPIC_BIGRAMS, writeKeywordFixture } from '../../testing/keyword-fixture.js';

export const TINY = { imageSize: 24, cropSize: 20, batchSize: 16, workers: 0, device: 'cpu' } as const;

test('the regression CNN: fine-tuned from the document classifier on training rows, 2·D outputs nearest their own bigram on test images', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-kw-regress-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const { images, vectors } = await writeKeywordFixture(ws, { cases: 36, imagesPerCase: 3, size: 24, seed: 3 });
    await assert.rejects(trainRegression(ws, {}), /no split yet|train it first/);
    buildLevelDataset(ws, { level: 'document', minTrain: 3, seed: 1 });
    await assert.rejects(trainRegression(ws, {}), /fine-tuned from the document-level classifier: train it first/, 'needs the classifier to fine-tune');
    const doc = await trainLevel(ws, { level: 'document', ...TINY, epochs: 6, learningRate: 0.02, seed: 1 });

    const r = await trainRegression(ws, { epochs: 12, batchSize: 16, learningRate: 0.01, seed: 1 });
    const D = vectors.vectorSize;
    assert.equal(r.outputs, 2 * D);
    assert.equal(r.from, doc.outDir, 'fine-tuned from the document-level network');
    assert.equal(r.numTrainRows, r.counts.rows.train, 'every training row, and no other, was trained on');
    assert.equal(r.numValidationRows, r.counts.rows.validation);
    assert.ok(r.counts.rows.test > 0 && r.counts.imagesWithoutBigrams.train > 0);
    assert.ok(r.epochs.at(-1)!.trainLoss < r.epochs[0]!.trainLoss, `loss ${r.epochs[0]!.trainLoss} -> ${r.epochs.at(-1)!.trainLoss}`);
    const { kind, description: meta } = readImageModelDescription(r.modelDir);
    assert.equal(kind, 'image-regressor');
    assert.equal(meta.head, 'sigmoid');
    assert.equal(meta.numOutputs, 2 * D);
    assert.ok(existsSync(path.join(r.modelDir, 'model.onnx')));

    // Outputs for every key image of the split, with or without a bigram.
    const out = readRegressionOutputs(ws);
    assert.equal(out.ids.length, images.length);
    assert.equal(out.dim, 2 * D);
    const byId = new Map(out.ids.map((id, i) => [id, i]));
    let nearest = 0;
    let scored = 0;
    for (const img of images) {
      const i = byId.get(img.sop)!;
      if (out.splits[i] !== 'test' || img.truth.length === 0) continue;
      const o = out.outputs.subarray(i * 2 * D, (i + 1) * 2 * D);
      const sims = TOPIC_BIGRAMS.map(([a, b]) => cosine(o, Float32Array.from([...vectors.vector(a), ...vectors.vector(b)])));
      const own = Number(img.document) % TOPIC_BIGRAMS.length;
      if (sims.indexOf(Math.max(...sims)) === own) nearest++;
      scored++;
    }
    t.diagnostic(`${nearest} of ${scored} test outputs nearest their own bigram; loss ${r.epochs[0]!.trainLoss.toFixed(4)} -> ${r.epochs.at(-1)!.trainLoss.toFixed(4)}`);
    assert.ok(scored >= 5, `${scored} test images with a bigram`);
    assert.ok(nearest / scored >= 0.8, `${nearest} of ${scored} test outputs nearest their own bigram`);

    // Up to date: the same inputs and options do not train again; a changed option does.
    const again = await trainRegression(ws, { epochs: 12, batchSize: 16, learningRate: 0.01, seed: 1 });
    assert.equal(again.upToDate, true);
    assert.equal(again.digest, r.digest);
    const rec = ws.stageRecord(REGRESS_STAGE)!;
    assert.ok(rec.codeDigest && rec.artifacts!.some((a) => a.path.endsWith('outputs.pacsmine')));
    const json = JSON.parse(readFileSync(ws.artifactPath('keywords', 'regression.json'), 'utf8')) as { rows: Array<{ split: string }> };
    assert.equal(json.rows.filter((x) => x.split === 'train').length, r.numTrainRows);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
