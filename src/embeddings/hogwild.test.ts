// Hogwild training on the shared worker harness: a worker that dies or throws fails the run with
// an error naming the stage and the worker, a cancelled run stops, and nothing hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Word2Vec } from './word2vec.js';
import { readArtifact, writeArtifact } from '../util/artifact-file.js';
import { CancelledError, WorkerError } from '../util/errors.js';
import { killWorkerAfter } from '../../testing/kill-worker.js';
import { syntheticCorpus } from '../../testing/corpora.js';

// 60,000 words: six chunks of about 10,000, so two workers both get work.
const corpus = syntheticCorpus(60000, { vocabulary: 200, numTopics: 4, seed: 5 });
const OPTIONS = { vectorSize: 16, window: 4, minCount: 2, epochs: 3, sample: 0, seed: 1, workers: 2 };

test('two Hogwild workers train on the harness and report progress up to the total', async () => {
  const seen: number[] = [];
  const model = new Word2Vec(OPTIONS);
  const report = await model.train(corpus, { onProgress: (p) => seen.push(p.done) });
  assert.equal(report.workers, 2);
  assert.equal(report.rawWordsTrained, report.rawWordsPerEpoch * OPTIONS.epochs);
  assert.ok(seen.every((x, i) => i === 0 || x >= (seen[i - 1] as number)), 'progress never goes back');
  assert.equal(seen[seen.length - 1], report.rawWordsTrained);
});

test('a worker killed after its first epoch fails the run with a WorkerError naming word2vec and the worker', async () => {
  const restore = killWorkerAfter('word2vec', 1, 2); // ready, then its first epoch reply
  try {
    await assert.rejects(new Word2Vec(OPTIONS).train(corpus), (e: unknown) => e instanceof WorkerError && /^word2vec: worker 1 of 2 exited unexpectedly/.test(e.message));
  } finally {
    restore();
  }
});

test('a worker killed before it is ready fails the start the same way', async () => {
  const restore = killWorkerAfter('word2vec', 0, 0);
  try {
    await assert.rejects(new Word2Vec(OPTIONS).train(corpus), (e: unknown) => e instanceof WorkerError && /^word2vec: worker 0 of 2 exited unexpectedly/.test(e.message));
  } finally {
    restore();
  }
});

test('a worker that throws in its setup fails the run with its error as the cause', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'w2v-hogwild-'));
  try {
    // A real checkpoint of this run, then its random-number states replaced by an impossible one
    // (all zero, which xorshift never leaves): each worker's setup throws on it.
    const checkpoint = path.join(dir, 'checkpoint.pacsmine');
    const options = { ...OPTIONS, kernel: 'ts' as const };
    const abort = new AbortController();
    await assert.rejects(new Word2Vec(options).train(corpus, { checkpoint, signal: abort.signal, onProgress: (p) => { if (p.detail === 'epoch 2/3') abort.abort(); } }), CancelledError);
    const a = readArtifact(checkpoint, { kind: 'word2vec-checkpoint', versions: [1] });
    const data = (name: string): Float32Array => a.arrays[name]?.data as Float32Array;
    writeArtifact(checkpoint, { kind: a.kind, kindVersion: 1, meta: { ...(a.meta as object), rng: [[0, 0, 0, 0], [0, 0, 0, 0]] }, arrays: { syn0: data('syn0'), syn1: data('syn1'), syn1neg: data('syn1neg') } });
    await assert.rejects(new Word2Vec(options).train(corpus, { checkpoint }), (e: unknown) =>
      e instanceof WorkerError && /^word2vec: worker \d of 2 failed to start: RangeError: an all-zero Rng state/.test(e.message) && e.cause instanceof Error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('aborting the signal stops the workers with a CancelledError', async () => {
  const abort = new AbortController();
  await assert.rejects(new Word2Vec({ ...OPTIONS, epochs: 50 }).train(corpus, { signal: abort.signal, onProgress: () => abort.abort() }), (e: unknown) =>
    e instanceof CancelledError && /^word2vec: cancelled/.test(e.message));
  // The calling-thread mode looks at the signal between chunks too.
  const inThread = new AbortController();
  await assert.rejects(new Word2Vec({ ...OPTIONS, workers: 0, epochs: 50 }).train(corpus, { signal: inThread.signal, onProgress: () => inThread.abort() }), CancelledError);
});
