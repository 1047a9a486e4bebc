/**
 * The LDA trainer on the worker harness: a worker that dies fails the run with an error naming
 * the stage and the worker, nothing hangs; checkpoints resume a run to the model it would
 * have made uninterrupted, and are ignored when they belong to another run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCorpus } from './corpus.js';
import { generateTopicDocs } from '../../testing/topic-docs.js';
import { killWorkerAfter } from '../../testing/kill-worker.js';
import { LdaModel, type LdaTrainReport } from './model.js';
import type { LdaOptions } from './options.js';
import { CancelledError, WorkerError } from '../util/errors.js';

const gen = generateTopicDocs({ numTopics: 5, numDocs: 120, seed: 4 });
const corpus = buildCorpus(gen.docs, { minDocFreq: 1, dropTopN: 0, minDocLength: 1 });
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'lda-ckpt-'));

test('a sampling worker killed mid-run fails training with a WorkerError naming the stage and worker; nothing hangs', async () => {
  for (const [index, messages, when] of [[1, 2, 'after its first reply'], [0, 0, 'before it is ready']] as const) {
    const restore = killWorkerAfter('lda', index, messages);
    try {
      const model = new LdaModel({ numTopics: 5, iterations: 200, seed: 1, workers: 2 });
      await assert.rejects(model.train(corpus), (e: unknown) =>
        e instanceof WorkerError && new RegExp(`^lda: worker ${index} of 2 exited unexpectedly`).test(e.message), `killed ${when}`);
      assert.equal(model.isTrained, false);
    } finally {
      restore();
    }
  }
  // The harness is not left in a bad state: the next run trains.
  const model = new LdaModel({ numTopics: 5, iterations: 10, seed: 1, workers: 2 });
  assert.equal((await model.train(corpus)).sweeps, 10);
});

/** Trains to 40 sweeps, stopping (cancelled) once `stopAfter` sweeps are done, with checkpoints every 5 into `file`. */
async function interrupted(options: LdaOptions, file: string, stopAfter: number): Promise<void> {
  const ac = new AbortController();
  const model = new LdaModel(options);
  await assert.rejects(
    model.train(corpus, { signal: ac.signal, checkpoint: { file, every: 5 }, onProgress: (p) => { if (p.done >= stopAfter) ac.abort(); } }),
    CancelledError,
  );
}

for (const workers of [0, 2]) {
  test(`a run resumed from its checkpoint ends with the model of an uninterrupted run (workers ${workers}, α re-estimated)`, async () => {
    const options: LdaOptions = { numTopics: 5, iterations: 40, seed: 7, workers, optimizeAlpha: { burnIn: 10, every: 4 } };
    const straight = new LdaModel(options);
    await straight.train(corpus);

    const file = path.join(tmp(), 'run.ckpt');
    await interrupted(options, file, 17);
    assert.ok(existsSync(file));
    const resumed = new LdaModel(options);
    const report: LdaTrainReport = await resumed.train(corpus, { checkpoint: { file, every: 5 } });
    assert.equal(report.resumedFrom, 15, 'the last checkpoint before the stop');
    assert.equal(report.sweeps, 25);
    assert.deepEqual(resumed.alpha, straight.alpha);
    assert.deepEqual(resumed.counts, straight.counts);
    assert.deepEqual(resumed.docTopics, straight.docTopics);
    assert.deepEqual(resumed.meta, straight.meta);

    // The final checkpoint lets a caller that trains several models skip the finished ones.
    const again = new LdaModel(options);
    const done = await again.train(corpus, { checkpoint: { file, every: 5 } });
    assert.deepEqual([done.resumedFrom, done.sweeps], [40, 0]);
    assert.deepEqual(again.counts, straight.counts);
  });
}

test('a checkpoint of another run (seed, worker count, length) is ignored, and replaced', async () => {
  const options: LdaOptions = { numTopics: 5, iterations: 40, seed: 7, workers: 0 };
  const file = path.join(tmp(), 'run.ckpt');
  await interrupted(options, file, 12);
  for (const other of [{ seed: 8 }, { workers: 2 }, { iterations: 30 }]) {
    const model = new LdaModel({ ...options, ...other });
    const report = await model.train(corpus, { checkpoint: { file, every: 5 } });
    assert.equal(report.resumedFrom, undefined, JSON.stringify(other));
  }
});
