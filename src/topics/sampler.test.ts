import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../util/rng.js';
import { buildCorpus } from './corpus.js';
import { generateTopicDocs } from '../../testing/topic-docs.js';
import {
  addTokens, allocateCounts, createScratch, decrementWordTopic, incrementWordTopic, randomAssignments, sweep,
  wordTopicCount, type SamplerState, type WordTopicCounts,
} from './sampler.js';
import { LdaTrainer } from './trainer.js';
import { LdaModel } from './model.js';
import { normalizedMutualInformation } from './nmi.js';

const gen = generateTopicDocs({ numTopics: 5, numDocs: 150, seed: 11 });
const corpus = buildCorpus(gen.docs, { minDocFreq: 1, dropTopN: 0, minDocLength: 1 });

/** Checks the sparse counts against a brute-force count from z, and the canonical slot order. */
function assertConsistent(c: WordTopicCounts, tokens: Uint32Array, z: Uint16Array): void {
  const K = c.K;
  const dense = new Int32Array(c.V * K);
  const nk = new Int32Array(K);
  for (let i = 0; i < tokens.length; i++) {
    dense[(tokens[i] as number) * K + (z[i] as number)]++;
    nk[z[i] as number]++;
  }
  assert.deepEqual([...c.nk], [...nk], 'topic totals match the assignments');
  assert.equal([...c.nk].reduce((s, v) => s + v, 0), tokens.length);
  for (let w = 0; w < c.V; w++) {
    let prevCount = Infinity;
    let prevTopic = -1;
    for (let i = c.wtOffsets[w] as number; i < (c.wtOffsets[w + 1] as number); i++) {
      const n = c.wtCounts[i] as number;
      if (n === 0) { prevCount = 0; continue; }
      assert.ok(prevCount > 0, 'non-zero slots come before empty ones');
      assert.ok(n < prevCount || (n === prevCount && (c.wtTopics[i] as number) > prevTopic), 'slots sorted by count, then topic');
      prevCount = n;
      prevTopic = c.wtTopics[i] as number;
    }
    for (let k = 0; k < K; k++) assert.equal(wordTopicCount(c, w, k), dense[w * K + k]);
  }
}

test('word-topic slots stay canonical under increments and decrements', () => {
  const tokens = Uint32Array.from([0, 0, 0, 0, 0, 0, 1]);
  const c = allocateCounts(tokens, 2, 4);
  const rng = new Rng(5);
  const z = new Uint16Array(tokens.length);
  randomAssignments(z, 4, rng);
  addTokens(c, tokens, z);
  assertConsistent(c, tokens, z);
  for (let step = 0; step < 200; step++) {
    const i = rng.int(tokens.length);
    const k = rng.int(4);
    decrementWordTopic(c, tokens[i] as number, z[i] as number);
    c.nk[z[i] as number]--;
    incrementWordTopic(c, tokens[i] as number, k);
    c.nk[k]++;
    z[i] = k;
    assertConsistent(c, tokens, z);
  }
});

test('counts stay consistent after every sweep', () => {
  const K = 7;
  const z = new Uint16Array(corpus.tokens.length);
  randomAssignments(z, K, new Rng(1));
  const st: SamplerState = { K, V: corpus.vocab.length, tokens: corpus.tokens, docOffsets: corpus.docOffsets, z, alpha: new Float64Array(K).fill(0.1), beta: 0.01 };
  const c = allocateCounts(corpus.tokens, st.V, K);
  addTokens(c, corpus.tokens, z);
  const sc = createScratch(K);
  const rng = new Rng(2);
  for (let it = 0; it < 5; it++) {
    sweep(st, c, sc, rng, 0, corpus.docIds.length);
    assertConsistent(c, corpus.tokens, z);
    assert.ok(sc.ndk.every((v) => v === 0), 'the per-document scratch is left clean');
  }
});

test('a tiny corpus from 5 known topics is recovered (NMI of argmax θ vs the true category)', async () => {
  const t = await LdaTrainer.create(corpus, { numTopics: 5, seed: 3, alpha: 0.1, workers: 0 });
  await t.run(150);
  const model = LdaModel.fromTrained(t.options, t.trained());
  const labels = model.trainingLabels().topic;
  const truth = Int32Array.from(corpus.docIds.map((id) => gen.category[Number(id.slice(3))] as number));
  const score = normalizedMutualInformation(labels, truth);
  assert.ok(score > 0.8, `NMI ${score.toFixed(3)} should be above 0.8`);
  // Each topic's top words come from one generating topic.
  for (const tw of model.topWords(5)) {
    const owners = new Set(tw.words.filter((w) => w.startsWith('top')).map((w) => w.slice(3, 4)));
    assert.equal(owners.size, 1, `topic ${tw.topic} mixes generating topics: ${tw.words.join(' ')}`);
  }
});

test('training in the calling thread is bit-identical for a seed, the same on one worker thread, and differs for another seed', async () => {
  const run = async (seed: number, workers: number) => {
    const t = await LdaTrainer.create(corpus, { numTopics: 6, seed, workers });
    try {
      await t.run(7);
      await t.run(8);
      return { z: Uint16Array.from(t.z), phi: LdaModel.fromTrained(t.options, t.trained()).phi() };
    } finally {
      await t.close();
    }
  };
  const a = await run(42, 0);
  const b = await run(42, 0);
  const c = await run(43, 0);
  assert.deepEqual(a.z, b.z);
  assert.deepEqual(a.phi, b.phi);
  assert.notDeepEqual(a.z, c.z);
  assert.deepEqual((await run(42, 1)).z, a.z, 'workers 0 and 1: one sampling stream, the same model');
});

test('multi-worker training keeps totals consistent and is reproducible for (seed, workers)', async () => {
  const run = async () => {
    const t = await LdaTrainer.create(corpus, { numTopics: 6, seed: 9, workers: 2 });
    try {
      assert.equal(t.workers, 2);
      for (let chunk = 0; chunk < 3; chunk++) {
        await t.run(4);
        assertConsistent(t.counts(), corpus.tokens, t.z);
      }
      return Uint16Array.from(t.z);
    } finally {
      await t.close();
    }
  };
  const a = await run();
  const b = await run();
  assert.deepEqual(a, b);
});

test('alpha optimisation keeps alpha positive and moves it', async () => {
  const t = await LdaTrainer.create(corpus, { numTopics: 5, seed: 3, alpha: 1, optimizeAlpha: { burnIn: 10, every: 5 }, workers: 0 });
  await t.run(30);
  assert.ok(t.alpha.every((a) => a > 0 && Number.isFinite(a)));
  assert.ok(t.alpha.some((a) => Math.abs(a - 1) > 0.05), 'alpha was re-estimated');
  assertConsistent(t.counts(), corpus.tokens, t.z);
});

test('bad input: empty corpus and K larger than the vocabulary are clear errors', async () => {
  const empty = buildCorpus(['a b', ''], {});
  await assert.rejects(LdaTrainer.create(empty, { numTopics: 3 }), /corpus is empty/);
  await assert.rejects(LdaTrainer.create(corpus, { numTopics: corpus.vocab.length + 1 }), /larger than the vocabulary/);
  await assert.rejects(LdaTrainer.create(corpus, { numTopics: 0 }), /positive integer/);
});
