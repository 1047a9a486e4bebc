import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCorpus, docTokens, subsetCorpus } from './corpus.js';
import { generateTopicDocs } from '../../testing/topic-docs.js';
import { trainLda } from './trainer.js';
import { LdaModel } from './model.js';
import { normalizedMutualInformation } from './nmi.js';
import { chooseK, splitDocuments, sweepTopics } from './select.js';
import { topicCoherence, topWordIds } from './coherence.js';

const gen = generateTopicDocs({ numTopics: 5, numDocs: 150, seed: 21 });
const corpus = buildCorpus(gen.docs, { minDocFreq: 1, dropTopN: 0, minDocLength: 1 });

test('save/load round-trips: same arrays, same phi, same inference', async () => {
  const model = await trainLda(corpus, { numTopics: 5, iterations: 40, seed: 2 });
  const base = path.join(mkdtempSync(path.join(os.tmpdir(), 'lda-')), 'model');
  model.save(base);
  const back = LdaModel.load(base);
  assert.deepEqual(back.vocab, model.vocab);
  assert.deepEqual(back.alpha, model.alpha);
  assert.deepEqual(back.counts.wtCounts, model.counts.wtCounts);
  assert.deepEqual(back.counts.wtTopics, model.counts.wtTopics);
  assert.deepEqual(back.docTopics.counts, model.docTopics.counts);
  assert.deepEqual(back.phi(), model.phi());
  const unseen = [docTokens(corpus, 0), docTokens(corpus, 7)];
  assert.deepEqual(back.infer(unseen, { seed: 4 }), model.infer(unseen, { seed: 4 }));
  assert.deepEqual(back.topWords(5), model.topWords(5));
});

test('a bad model file is a FormatError naming the problem', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lda-bad-'));
  writeFileSync(path.join(dir, 'm.json'), JSON.stringify({ format: 'something-else', version: 1 }));
  writeFileSync(path.join(dir, 'm.bin'), '');
  assert.throws(() => LdaModel.load(path.join(dir, 'm')), /format is something-else/);
  assert.throws(() => LdaModel.load(path.join(dir, 'missing')), /cannot read/);
});

test('fold-in inference labels unseen documents like their true category', async () => {
  const { train, test: held } = splitDocuments(corpus.docIds.length, 0.3, 5);
  const model = await trainLda(subsetCorpus(corpus, train), { numTopics: 5, iterations: 100, seed: 2, alpha: 0.1 });
  const heldC = subsetCorpus(corpus, held);
  const docs = heldC.docIds.map((_, d) => docTokens(heldC, d));
  const inferred = model.inferLabels(docs, { seed: 1 });
  const truth = Int32Array.from(heldC.docIds.map((id) => gen.category[Number(id.slice(3))] as number));
  assert.ok(normalizedMutualInformation(inferred.topic, truth) > 0.8);
  const theta = model.infer(docs.slice(0, 2));
  for (let d = 0; d < 2; d++) {
    const row = theta.subarray(d * 5, d * 5 + 5);
    assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-9, 'theta rows sum to 1');
  }
  assert.throws(() => model.infer([Uint32Array.from([model.V + 3])]), /outside the vocabulary/);
});

test('coherence: the true topics are more coherent than shuffled ones', async () => {
  const model = await trainLda(corpus, { numTopics: 5, iterations: 80, seed: 2, alpha: 0.1 });
  assert.deepEqual(model.topWordIds(10), topWordIds(model.phi(), 5, 10), 'sparse top words rank like dense phi');
  const good = topicCoherence(topWordIds(model.phi(), 5, 10), corpus);
  // Mix topics: word i of topic k taken from topic (k + i) % 5.
  const tops = topWordIds(model.phi(), 5, 10);
  const mixed = tops.map((_, k) => Uint32Array.from({ length: 10 }, (_, i) => (tops[(k + i) % 5] as Uint32Array)[i] as number));
  const bad = topicCoherence(mixed, corpus);
  assert.ok(good.npmi > bad.npmi && good.umass > bad.umass, `npmi ${good.npmi} vs ${bad.npmi}, umass ${good.umass} vs ${bad.umass}`);
  assert.ok(good.npmi <= 1 && good.npmi >= -1);
});

test('the K rule picks the smallest K within the tolerance of the minimum', async () => {
  assert.equal(chooseK([{ k: 10, perplexity: 300 }, { k: 20, perplexity: 200 }, { k: 40, perplexity: 199 }, { k: 80, perplexity: 197 }], 0.02), 20);
  assert.equal(chooseK([{ k: 10, perplexity: 300 }, { k: 20, perplexity: 250 }], 0.02), 20);
  const sweep = await sweepTopics(corpus, [2, 5, 10], { iterations: 40, seed: 1 });
  assert.equal(sweep.points.length, 3);
  assert.ok(sweep.points.every((p) => p.perplexity > 1 && Number.isFinite(p.npmi)));
  const p2 = sweep.points[0]?.perplexity as number;
  const p5 = sweep.points[1]?.perplexity as number;
  assert.ok(p5 < p2, 'five topics explain a 5-topic corpus better than two');
  assert.ok(sweep.chosenK >= 5, `chosen K ${sweep.chosenK}`);
});
