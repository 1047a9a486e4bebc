import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MODEL_FILE, Word2Vec } from './word2vec.js';
import { loadWord2VecFormat } from './format.js';
import { readCheckpoint } from './checkpoint.js';
import { readArtifact, writeArtifact } from '../util/artifact-file.js';
import { CancelledError, FormatError, OptionsError } from '../util/errors.js';
import { syntheticCorpus } from '../../testing/corpora.js';
import { buildVocabulary } from './vocab.js';
import { encodeCorpus } from './corpus.js';

const OPTIONS = { vectorSize: 12, window: 4, minCount: 2, epochs: 3, sample: 0, seed: 3, workers: 0 };
const corpus = syntheticCorpus(30000, { vocabulary: 150, numTopics: 3, seed: 2 });
/** In-vocabulary words per pass, the unit of progress. */
const wordsPerEpoch = encodeCorpus(corpus, buildVocabulary(corpus, OPTIONS.minCount)).rawWords;

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'w2v-model-'));
}

test('the constructor only checks options; an untrained, disposed or one-shot use fails clearly', async () => {
  assert.throws(() => new Word2Vec({ vectorSize: 0 }), OptionsError);
  assert.throws(() => new Word2Vec({ workers: -1 }), /workers must be an integer/);
  assert.throws(() => new Word2Vec({ kernel: 'gpu' as 'ts' }), /kernel must be/);
  const model = new Word2Vec(OPTIONS);
  assert.equal(model.isTrained, false);
  assert.throws(() => model.wv, /not trained yet/);
  await assert.rejects(model.train((function* () { yield ['a', 'b']; })()), /re-iterable/);
  await model.train(corpus);
  assert.equal(model.isTrained, true);
  model.dispose();
  assert.throws(() => model.wv, /disposed/);
  await assert.rejects(model.train(corpus), /disposed/);
});

test('save then load gives the same words, arrays, neighbours and digest; vectors.bin beside it is the gensim format', async () => {
  const dir = tempDir();
  try {
    const model = new Word2Vec({ ...OPTIONS, negative: 3 }); // HS and NS: all three weight arrays
    const report = await model.train(corpus);
    assert.equal(report.workers, 0);
    assert.equal(report.resumedFromEpoch, 0);
    const { modelPath, vectorsPath } = await model.save(dir);
    assert.equal(modelPath, path.join(dir, MODEL_FILE));
    const back = await Word2Vec.load(dir);
    assert.deepEqual(back.options, { ...model.options, workers: undefined });
    assert.deepEqual(back.wv.words, model.wv.words);
    assert.deepEqual(back.wv.vectors, model.wv.vectors);
    assert.equal(back.digest(), model.digest());
    assert.deepEqual(back.mostSimilar(['t0w1'], [], 5), model.mostSimilar(['t0w1'], [], 5));
    assert.deepEqual((await Word2Vec.load(modelPath)).digest(), model.digest(), 'the file itself loads too');
    const gensimFormat = loadWord2VecFormat(vectorsPath, 'binary');
    assert.deepEqual(gensimFormat.words, model.wv.words);
    assert.deepEqual(gensimFormat.vectors, model.wv.vectors);
    // A loaded model trains further (its vocabulary kept, its weights moved on).
    const before = back.digest();
    await back.train(corpus);
    assert.notEqual(back.digest(), before);
    assert.deepEqual(back.wv.words, model.wv.words);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loading a truncated, foreign or inconsistent model file is a FormatError that says what is wrong', async () => {
  const dir = tempDir();
  try {
    const model = new Word2Vec(OPTIONS);
    await model.train(corpus);
    const { modelPath, vectorsPath } = await model.save(dir);
    const whole = readFileSync(modelPath);
    const cut = path.join(dir, 'cut.pacsmine');
    for (const size of [4, 15, 40, Math.floor(whole.length / 2), whole.length - 1]) {
      writeFileSync(cut, whole.subarray(0, size));
      await assert.rejects(Word2Vec.load(cut), (e: unknown) => e instanceof FormatError && /truncated|not a pacsmine artifact/.test(e.message), `cut at ${size} bytes`);
    }
    writeFileSync(cut, Buffer.concat([whole, Buffer.alloc(8)]));
    await assert.rejects(Word2Vec.load(cut), /8 unexpected bytes at the end/);
    // Foreign files: the gensim format, and a pacsmine artifact of another kind.
    await assert.rejects(Word2Vec.load(vectorsPath), /not a pacsmine artifact/);
    const other = path.join(dir, 'other.pacsmine');
    writeArtifact(other, { kind: 'lda-model', kindVersion: 1, arrays: { x: new Float32Array(2) } });
    await assert.rejects(Word2Vec.load(other), /holds a "lda-model" artifact, not the "word2vec-model" expected/);
    // Right kind, arrays that do not fit the vocabulary: syn0 one row short.
    const a = readArtifact(modelPath, { kind: 'word2vec-model', versions: [1] });
    const V = model.wv.numWords, D = OPTIONS.vectorSize;
    const arrays = Object.fromEntries(Object.entries(a.arrays).map(([k, v]) => [k, { data: v.data, shape: v.shape }]));
    writeArtifact(other, { kind: a.kind, kindVersion: 1, meta: a.meta, arrays: { ...arrays, syn0: { data: model.wv.vectors.subarray(0, (V - 1) * D), shape: [V - 1, D] } } });
    await assert.rejects(Word2Vec.load(other), (e: unknown) => e instanceof FormatError && /array "syn0".*shape \[\d+, 12\], expected \[\d+, 12\]/.test(e.message));
    writeArtifact(other, { kind: a.kind, kindVersion: 1, meta: a.meta, arrays: { ...arrays, wordBytes: new Uint8Array(3) } });
    await assert.rejects(Word2Vec.load(other), /array "wordBytes"/);
    await assert.rejects(Word2Vec.load(path.join(dir, 'missing')), /cannot open/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Trains with a checkpoint and aborts once `stopAfter` epochs are done; returns the cancellation. */
async function interrupted(options: typeof OPTIONS, checkpoint: string, stopAfter: number): Promise<unknown> {
  const abort = new AbortController();
  const model = new Word2Vec(options);
  try {
    await model.train(corpus, {
      checkpoint,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.done >= stopAfter * wordsPerEpoch) abort.abort();
      },
    });
  } catch (e) {
    return e;
  }
  return undefined;
}

for (const workers of [0, 1]) {
  test(`a run stopped after an epoch resumes from its checkpoint and ends with the uninterrupted vectors (workers ${workers})`, async () => {
    const dir = tempDir();
    try {
      const options = { ...OPTIONS, epochs: 4, workers };
      const whole = new Word2Vec(options);
      await whole.train(corpus);
      const checkpoint = path.join(dir, 'checkpoint.pacsmine');
      const stopped = await interrupted(options, checkpoint, 2);
      assert.ok(stopped instanceof CancelledError, `cancelled: ${String(stopped)}`);
      assert.ok(existsSync(checkpoint), 'a checkpoint was written');
      const resumed = new Word2Vec(options);
      const report = await resumed.train(corpus, { checkpoint });
      assert.ok(report.resumedFromEpoch >= 1 && report.resumedFromEpoch <= 3, `resumed from epoch ${report.resumedFromEpoch}`);
      assert.equal(resumed.digest(), whole.digest(), 'same vectors as the uninterrupted run');
      assert.deepEqual(resumed.wv.vectors, whole.wv.vectors);
      // The finished run left a checkpoint of its last epoch: resuming from it trains nothing.
      const again = new Word2Vec(options);
      assert.equal((await again.train(corpus, { checkpoint })).rawWordsTrained, 0);
      assert.equal(again.digest(), whole.digest());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a checkpoint of another run is ignored; a truncated or foreign one is a FormatError', async () => {
  const dir = tempDir();
  try {
    const checkpoint = path.join(dir, 'checkpoint.pacsmine');
    assert.ok((await interrupted(OPTIONS, checkpoint, 1)) instanceof CancelledError);
    const otherSeed = new Word2Vec({ ...OPTIONS, seed: 4 });
    assert.equal((await otherSeed.train(corpus, { checkpoint })).resumedFromEpoch, 0, 'another seed: another run');
    // otherSeed's run overwrote the checkpoint with its own last epoch.
    assert.ok((await interrupted(OPTIONS, checkpoint, 1)) instanceof CancelledError);
    const whole = readFileSync(checkpoint);
    for (const size of [10, Math.floor(whole.length / 2), whole.length - 4]) {
      truncateSync(checkpoint, size);
      await assert.rejects(new Word2Vec(OPTIONS).train(corpus, { checkpoint }), (e: unknown) => e instanceof FormatError && /truncated|not a pacsmine/.test(e.message) && /delete it/.test(e.message), `cut at ${size}`);
      writeFileSync(checkpoint, whole);
    }
    writeFileSync(checkpoint, 'not a checkpoint at all');
    await assert.rejects(new Word2Vec(OPTIONS).train(corpus, { checkpoint }), /not a pacsmine artifact/);
    // Right fingerprint, wrong contents: the random-number states do not match the thread count.
    writeFileSync(checkpoint, whole);
    const a = readArtifact(checkpoint, { kind: 'word2vec-checkpoint', versions: [1] });
    const meta = a.meta as { fingerprint: string };
    writeArtifact(checkpoint, { kind: a.kind, kindVersion: 1, meta: { ...meta, rng: [] }, arrays: { syn0: a.arrays['syn0']?.data as Float32Array, syn1: a.arrays['syn1']?.data as Float32Array, syn1neg: a.arrays['syn1neg']?.data as Float32Array } });
    assert.throws(() => readCheckpoint(checkpoint, meta.fingerprint, { threads: 1, epochs: 3, sizes: { syn0: 0, syn1: 0, syn1neg: 0 } }), /random-number states/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
