import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHuffmanTree, buildVocabulary, reorderVocabulary, sampleThresholds, vocabularyFromCounts } from './vocab.js';
import { encodeCorpus } from './corpus.js';
import { trainWord2Vec, resolveKernelKind } from './word2vec.js';
import { syntheticCorpus, indianaSentences, INDIANA_REPORTS } from '../../testing/corpora.js';
import { projectWords2d } from './pca.js';
import { sentenceTexts } from './sentences.js';
import { spawnSync } from 'node:child_process';
import { needsDebianPython, needsSharedData, requirement } from '../../testing/requirements.js';
import { InputError, OptionsError } from '../util/errors.js';
import { wasmKernelModule } from './wasm-kernel.js';
import { SkipGramKernel, buildExpTable, type KernelArrays } from './kernel.js';

// workers 0: the calling thread, so that a seed gives the same vectors.
const small = { vectorSize: 32, window: 5, minCount: 2, epochs: 3, workers: 0 };

test('Huffman codes are prefix-free, root-first, with shorter codes for frequent words', () => {
  const counts = Float64Array.from([50, 30, 10, 5, 3, 1, 1]);
  const tree = buildHuffmanTree(counts);
  const codes: string[] = [];
  for (let w = 0; w < counts.length; w++) {
    const a = tree.offsets[w] as number, b = tree.offsets[w + 1] as number;
    codes.push([...tree.codes.subarray(a, b)].join(''));
    assert.equal(tree.points[a], counts.length - 2, 'every path starts at the root (row V-2)');
    for (let i = a; i < b; i++) assert.ok((tree.points[i] as number) < counts.length - 1);
  }
  for (const x of codes) for (const y of codes) if (x !== y) assert.ok(!y.startsWith(x), `${x} is a prefix of ${y}`);
  assert.ok((codes[0] as string).length <= (codes[6] as string).length);
  // Kraft equality for a full binary tree.
  assert.ok(Math.abs(codes.reduce((s, c) => s + 2 ** -c.length, 0) - 1) < 1e-12);
});

test('sub-sampling keeps rare words always and frequent words less often', () => {
  const vocab = vocabularyFromCounts(new Map([['the', 100000], ['rare', 3]]), 1);
  const keep = sampleThresholds(vocab, 1e-4);
  assert.equal(keep[vocab.index.get('rare') as number], 4294967295);
  assert.ok((keep[vocab.index.get('the') as number] as number) < 4294967295 * 0.05);
});

test('the corpus drops out-of-vocabulary words and empty sentences', () => {
  const sentences = [['a', 'b', 'zz'], ['q'], ['b', 'a']];
  const vocab = buildVocabulary(sentences, 2);
  const corpus = encodeCorpus(sentences, vocab);
  assert.deepEqual([...corpus.sentenceOffsets], [0, 2, 4]);
  assert.equal(corpus.rawWords, 4);
  assert.equal(corpus.tokensSeen, 6);
  assert.ok(corpus.ids.buffer instanceof SharedArrayBuffer);
});

test('sentenceTexts splits at sentence ends, not inside numbers', () => {
  assert.deepEqual(sentenceTexts('No effusion. A 1.5 cm nodule.\n\nClear lungs'), ['No effusion.', 'A 1.5 cm nodule.', 'Clear lungs']);
});

for (const kernel of ['ts', 'wasm'] as const) {
  test(`single-thread training is reproducible for a seed (${kernel} kernel)`, { skip: kernel === 'wasm' ? requirement(Boolean(wasmKernelModule()), 'the WebAssembly kernel built by `npm run build`') : undefined }, async () => {
    const corpus = syntheticCorpus(20000, { vocabulary: 200, numTopics: 4 });
    const a = await trainWord2Vec(corpus, { ...small, seed: 5, kernel });
    const b = await trainWord2Vec(corpus, { ...small, seed: 5, kernel });
    const c = await trainWord2Vec(corpus, { ...small, seed: 6, kernel });
    assert.equal(a.report.kernel, kernel);
    assert.deepEqual(a.vectors.vectors, b.vectors.vectors);
    assert.notDeepEqual(a.vectors.vectors, c.vectors.vectors);
  });
}

const needsWasm = requirement(Boolean(wasmKernelModule()), 'the WebAssembly kernel built by `npm run build`');

/** Largest |a - b| and largest |a| over two equally long arrays. */
function compare(a: Float32Array, b: Float32Array): { maxDiff: number; maxAbs: number } {
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs((a[i] as number) - (b[i] as number)));
  return { maxDiff, maxAbs: largest(a) };
}

function largest(a: Float32Array): number {
  let m = 0;
  for (const x of a) m = Math.max(m, Math.abs(x));
  return m;
}

// The SIMD loops step 16 bytes (4 floats): a vector size that is not a multiple of 4 needs a scalar
// tail, or the last step writes into the first floats of the next row (silently: the components then
// grow into the thousands). 50, 6 and 3 leave tails of 2, 2 and 3 floats.
for (const vectorSize of [50, 6, 3]) {
  test(`the WebAssembly SIMD kernel matches the TypeScript reference at vector size ${vectorSize} (HS, NS, both)`, { skip: needsWasm }, async () => {
    const corpus = syntheticCorpus(5000, { vocabulary: 200, numTopics: 4 });
    for (const extra of [{}, { hs: false, negative: 5 }, { negative: 3 }]) {
      const opts = { ...small, vectorSize, epochs: 1, seed: 9, ...extra };
      const ts = await trainWord2Vec(corpus, { ...opts, kernel: 'ts' });
      const wasm = await trainWord2Vec(corpus, { ...opts, kernel: 'wasm' });
      const { maxDiff, maxAbs } = compare(ts.vectors.vectors, wasm.vectors.vectors);
      // Same random stream and arithmetic; only float32 vs float64 rounding in the dot products differs.
      assert.ok(maxDiff < 1e-3 * maxAbs, `${JSON.stringify(extra)}: max difference ${maxDiff} vs magnitude ${maxAbs}`);
    }
  });
}

test('Hogwild workers of the WebAssembly kernel keep vectors of size 6 in range (their hot-row copies have a tail too)', { skip: needsWasm }, async () => {
  const corpus = syntheticCorpus(20000, { vocabulary: 200, numTopics: 4 });
  const opts = { ...small, vectorSize: 6, epochs: 2, seed: 9 };
  const ts = await trainWord2Vec(corpus, { ...opts, kernel: 'ts', workers: 1 });
  const wasm = await trainWord2Vec(corpus, { ...opts, kernel: 'wasm', workers: 2 });
  const maxAbs = largest(ts.vectors.vectors);
  const wasmAbs = largest(wasm.vectors.vectors);
  // Hogwild is not reproducible, so no value-by-value comparison: the magnitudes must agree.
  assert.ok(wasmAbs < 3 * maxAbs, `2 wasm workers: largest component ${wasmAbs}, one ts thread ${maxAbs}`);
});

test('words that share contexts end up near each other (HS, NS, and 2 Hogwild workers)', async () => {
  const corpus = syntheticCorpus(60000, { vocabulary: 200, numTopics: 4, seed: 3 });
  for (const extra of [{}, { hs: false, negative: 5 }, { workers: 2 }]) {
    const { vectors } = await trainWord2Vec(corpus, { ...small, epochs: 5, sample: 0, ...extra });
    // Among the 5 nearest neighbours of frequent words, most share the topic prefix.
    let same = 0, total = 0;
    for (const w of ['t0w0', 't1w1', 't2w2', 't3w0']) {
      for (const n of vectors.mostSimilar([w], [], 5)) {
        total++;
        if (n.word.split('w')[0] === w.split('w')[0]) same++;
      }
    }
    assert.ok(same / total > 0.8, `${JSON.stringify(extra)}: ${same}/${total} neighbours share the topic`);
  }
});

test('analogy and PCA projection work on trained vectors', async () => {
  const corpus = syntheticCorpus(30000, { vocabulary: 100, numTopics: 2, seed: 4 });
  const { vectors } = await trainWord2Vec(corpus, { ...small, sample: 0 });
  const [best] = vectors.analogy('t0w0', 't0w1', 't1w0');
  assert.ok(best && !['t0w0', 't0w1', 't1w0'].includes(best.word));
  const words = ['t0w0', 't0w1', 't0w2', 't1w0', 't1w1', 't1w2'];
  const points = projectWords2d(vectors, words);
  assert.equal(points.length, 6);
  // The first component separates the two topics.
  const side = points.map((p) => Math.sign(p.x));
  assert.equal(new Set(side.slice(0, 3)).size, 1);
  assert.equal(new Set(side.slice(3)).size, 1);
  assert.notEqual(side[0], side[3]);
  assert.deepEqual(projectWords2d(vectors, words), points, 'seeded projection');
});

test('bad corpora and options fail clearly', async () => {
  await assert.rejects(trainWord2Vec([], small), (e: unknown) => e instanceof InputError && /corpus is empty/.test(e.message));
  await assert.rejects(trainWord2Vec([['x', 'y', 'x', 'y']], small), (e: unknown) => e instanceof OptionsError && /window/.test(e.message));
  await assert.rejects(trainWord2Vec([['a']], { hs: false, negative: 0 }), OptionsError);
  await assert.rejects(trainWord2Vec([['a']], { vectorSize: 0 }), OptionsError);
  assert.equal(resolveKernelKind('ts'), 'ts');
});

test('neighbours of common findings in the Indiana reports are sensible', { skip: needsSharedData(INDIANA_REPORTS) }, async () => {
  const { vectors } = await trainWord2Vec(indianaSentences(), { epochs: 5, seed: 1 });
  assert.equal(vectors.vectorSize, 256);
  const near = (w: string): string[] => vectors.mostSimilar([w], [], 10).map((n) => n.word);
  const effusion = near('effusion');
  assert.ok(effusion.includes('pleural') || effusion.includes('effusions'), `effusion: ${effusion.join(' ')}`);
  assert.ok(near('pneumothorax').includes('effusion'));
  assert.ok(near('degenerative').includes('spine'));
  const heart = near('heart');
  assert.ok(heart.includes('size') || heart.includes('cardiomediastinal'), `heart: ${heart.join(' ')}`);
});

test('Huffman codes and points are the ones gensim builds, ties included', { skip: needsDebianPython('gensim') }, () => {
  // Many equal counts: gensim's heapq compares counts only, so ties fall by heap order.
  const script = `
import json
from gensim.models import Word2Vec
s = [["w%d" % (i % 40) for i in range(400)] + ["a"] * 50 + ["b"] * 30 + ["c"] * 10 + ["d"] * 5 + ["e"] * 3 + ["f", "g", "h", "h"]]
m = Word2Vec(s, min_count=1, hs=1, negative=0, vector_size=4, workers=1)
print(json.dumps([[w, int(m.wv.get_vecattr(w, "count")), list(map(int, m.wv.get_vecattr(w, "code"))), list(map(int, m.wv.get_vecattr(w, "point")))] for w in m.wv.index_to_key]))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const theirs = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Array<[string, number, number[], number[]]>;
  const own = vocabularyFromCounts(new Map(theirs.map(([w, c]) => [w, c])), 1);
  // Equal counts come in numpy's argsort order in gensim: take gensim's word order.
  const vocab = reorderVocabulary(own, theirs.map(([w]) => w));
  const tree = buildHuffmanTree(vocab.counts);
  for (const [word, , code, point] of theirs) {
    const w = vocab.index.get(word) as number;
    const a = tree.offsets[w] as number, b = tree.offsets[w + 1] as number;
    assert.deepEqual([...tree.codes.subarray(a, b)], code, `code of ${word}`);
    assert.deepEqual([...tree.points.subarray(a, b)], point, `points of ${word}`);
  }
  assert.throws(() => reorderVocabulary(own, ['a']), OptionsError);
});

test('one skip-gram HS pass on gensim\'s initial vectors gives gensim\'s vectors', { skip: needsDebianPython('gensim') }, () => {
  // window 1 (no random shrink), no sub-sampling, constant learning rate: fully deterministic.
  const script = `
import json
from gensim.models import Word2Vec
s = [["a", "b", "c", "a", "d", "b", "a", "c", "e", "a", "b", "d"]]
m = Word2Vec(vector_size=4, window=1, min_count=1, sg=1, hs=1, negative=0, sample=0, workers=1, seed=3, alpha=0.5, min_alpha=0.5)
m.build_vocab(s)
init = m.wv.vectors.copy()
m.train(s, total_examples=1, epochs=1)
print(json.dumps({"words": list(m.wv.index_to_key), "init": init.reshape(-1).tolist(), "after": m.wv.vectors.reshape(-1).tolist()}))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const g = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { words: string[]; init: number[]; after: number[] };
  const sentence = ['a', 'b', 'c', 'a', 'd', 'b', 'a', 'c', 'e', 'a', 'b', 'd'];
  const index = new Map(g.words.map((w, i) => [w, i]));
  const counts = Float64Array.from(g.words, (w) => sentence.filter((x) => x === w).length);
  const tree = buildHuffmanTree(counts);
  const V = g.words.length, D = 4;
  const arrays: KernelArrays = {
    vectorSize: D, window: 1, negative: 0, hs: true,
    syn0: Float32Array.from(g.init), syn1: new Float32Array((V - 1) * D), syn1neg: new Float32Array(0),
    codes: tree.codes, points: tree.points, codeOffsets: tree.offsets,
    sampleInt: new Uint32Array(V).fill(4294967295), cumTable: new Uint32Array(0),
    ids: Uint32Array.from(sentence, (w) => index.get(w) as number), sentenceOffsets: Uint32Array.from([0, sentence.length]),
    expTable: buildExpTable(),
  };
  new SkipGramKernel(arrays, 1).trainSentences(0, 1, 0.5);
  for (let i = 0; i < g.after.length; i++) assert.ok(Math.abs((g.after[i] as number) - (arrays.syn0[i] as number)) < 1e-6, `value ${i}`);
});
