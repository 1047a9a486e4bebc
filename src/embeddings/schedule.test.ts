import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_WORDS, chunkBoundaries, runEpoch, startEpoch, type ScheduleParams, type TrainingKernel } from './schedule.js';
import type { KernelArrays } from './kernel.js';
import { Rng } from '../util/rng.js';

function randomOffsets(numSentences: number, seed: number): Uint32Array {
  const rng = new Rng(seed);
  const offsets = new Uint32Array(numSentences + 1);
  for (let s = 0; s < numSentences; s++) offsets[s + 1] = (offsets[s] as number) + 1 + (rng.int(20) === 0 ? 12000 : rng.int(40));
  return offsets;
}

test('chunks cover every sentence once, in order, each within CHUNK_WORDS unless one sentence is longer', () => {
  const offsets = randomOffsets(5000, 3);
  const chunks = chunkBoundaries(offsets);
  assert.equal(chunks[0], 0);
  assert.equal(chunks[chunks.length - 1], 5000);
  for (let k = 0; k + 1 < chunks.length; k++) {
    const [a, b] = [chunks[k] as number, chunks[k + 1] as number];
    assert.ok(b > a);
    const words = (offsets[b] as number) - (offsets[a] as number);
    assert.ok(words <= CHUNK_WORDS || b - a === 1, `chunk ${k} has ${words} words in ${b - a} sentences`);
  }
});

test('the cursor hands out every chunk exactly once per epoch, with a decaying learning rate', () => {
  const offsets = randomOffsets(3000, 5);
  const chunks = chunkBoundaries(offsets);
  const epochs = 3;
  const seen = new Int32Array(offsets.length - 1);
  const alphas: number[] = [];
  const kernel: TrainingKernel = {
    a: {} as KernelArrays,
    trainSentences(from, to, alpha) {
      for (let s = from; s < to; s++) seen[s] = (seen[s] as number) + 1;
      alphas.push(alpha);
      return (offsets[to] as number) - (offsets[from] as number);
    },
    rngState: () => [1, 2, 3, 4],
    setRngState: () => undefined,
  };
  const total = offsets[offsets.length - 1] as number;
  const p: ScheduleParams = {
    alpha: 0.025, minAlpha: 0.0001, epochs, totalWords: total * epochs,
    progress: new BigInt64Array(new SharedArrayBuffer(8)), chunks, cursor: new Int32Array(new SharedArrayBuffer(4)),
  };
  for (let e = 0; e < epochs; e++) {
    startEpoch(p, e);
    assert.equal(runEpoch(kernel, p, e, () => false), total, `epoch ${e}`);
    // A second thread arriving late finds nothing left in the epoch, and takes nothing of the next.
    assert.equal(runEpoch(kernel, p, e, () => false), 0);
  }
  assert.ok(seen.every((n) => n === epochs));
  assert.equal(alphas.length, (chunks.length - 1) * epochs);
  assert.equal(alphas[0], 0.025);
  assert.ok(alphas.every((x, i) => i === 0 || x < (alphas[i - 1] as number)));
  assert.equal(Number(p.progress[0]), total * epochs);
});

test('a stopped thread takes no further chunk', () => {
  const offsets = randomOffsets(3000, 7);
  const chunks = chunkBoundaries(offsets);
  let calls = 0;
  const kernel: TrainingKernel = {
    a: {} as KernelArrays,
    trainSentences: (from, to) => {
      calls++;
      return (offsets[to] as number) - (offsets[from] as number);
    },
    rngState: () => [1, 2, 3, 4],
    setRngState: () => undefined,
  };
  const p: ScheduleParams = {
    alpha: 0.025, minAlpha: 0.0001, epochs: 1, totalWords: offsets[offsets.length - 1] as number,
    progress: new BigInt64Array(new SharedArrayBuffer(8)), chunks, cursor: new Int32Array(new SharedArrayBuffer(4)),
  };
  startEpoch(p, 0);
  runEpoch(kernel, p, 0, () => calls >= 2);
  assert.equal(calls, 2);
  assert.ok(chunks.length - 1 > 2, 'the corpus has more than two chunks');
});
