import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCorpus, docTokens, subsetCorpus } from './corpus.js';
import { generateTopicDocs } from '../../testing/topic-docs.js';
import { LDA_MODEL_FILE, LdaModel } from './model.js';
import { LDA_MODEL_KIND, LDA_MODEL_VERSION } from './model-file.js';
import { normalizedMutualInformation } from './nmi.js';
import { chooseK, splitDocuments, sweepTopics } from './select.js';
import { topicCoherence, topWordIds } from './coherence.js';
import { readArtifact, writeArtifact, type ArrayInput } from '../util/artifact-file.js';
import { CancelledError, FormatError, OptionsError } from '../util/errors.js';
import type { Progress } from '../util/progress.js';

const gen = generateTopicDocs({ numTopics: 5, numDocs: 150, seed: 21 });
const corpus = buildCorpus(gen.docs, { minDocFreq: 1, dropTopN: 0, minDocLength: 1 });
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'lda-'));

async function trained(options: Partial<ConstructorParameters<typeof LdaModel>[0]> = {}): Promise<LdaModel> {
  const model = new LdaModel({ numTopics: 5, iterations: 40, seed: 2, workers: 0, ...options });
  await model.train(corpus);
  return model;
}

test('the constructor only validates: bad options are OptionsErrors naming the option, and nothing is trained', () => {
  const m = new LdaModel({ numTopics: 3 });
  assert.equal(m.isTrained, false);
  assert.deepEqual({ ...m.options }, { numTopics: 3, alpha: 5 / 3, beta: 0.01, iterations: 200, seed: 1, workers: undefined, optimizeAlpha: false });
  assert.throws(() => m.phi(), /not trained yet: call train\(corpus\) or LdaModel.load\(dir\)/);
  for (const [bad, message] of [
    [{ numTopics: 0 }, /numTopics must be a positive integer, got 0/],
    [{ numTopics: 70000 }, /above the sampler's limit of 65535/],
    [{ numTopics: 3, alpha: -1 }, /alpha must be a finite number > 0, got -1/],
    [{ numTopics: 3, beta: Number.NaN }, /beta must be/],
    [{ numTopics: 3, iterations: 1.5 }, /iterations must be an integer >= 0/],
    [{ numTopics: 3, seed: -1 }, /seed must be an integer from 0 to 4294967295/],
    [{ numTopics: 3, workers: -2 }, /workers must be an integer from 0/],
    [{ numTopics: 3, optimizeAlpha: { every: 0 } }, /optimizeAlpha.every must be an integer >= 1/],
  ] as const) {
    assert.throws(() => new LdaModel(bad), (e: unknown) => e instanceof OptionsError && message.test(e.message), JSON.stringify(bad));
  }
});

test('train reports progress in sweeps, and a second train() continues where the first stopped', async () => {
  const seen: Progress[] = [];
  const model = new LdaModel({ numTopics: 5, iterations: 20, seed: 2, workers: 0 });
  const first = await model.train(corpus, { onProgress: (p) => seen.push(p) });
  assert.deepEqual([first.sweeps, first.iteration, first.workers, first.resumedFrom], [20, 20, 0, undefined]);
  assert.deepEqual(seen[0], { stage: 'lda', done: 0, total: 20, unit: 'sweeps', detail: 'K=5' });
  assert.deepEqual(seen.at(-1), { stage: 'lda', done: 20, total: 20, unit: 'sweeps', detail: 'K=5' });
  assert.ok(seen.every((p, i) => i === 0 || p.done > (seen[i - 1] as Progress).done), 'done only grows');
  await model.train(corpus, { iterations: 15 });
  assert.equal(model.meta.iterations, 35);
  const straight = new LdaModel({ numTopics: 5, iterations: 35, seed: 2, workers: 0 });
  await straight.train(corpus);
  assert.deepEqual(model.counts.wtCounts, straight.counts.wtCounts, '20 + 15 sweeps = 35 sweeps');
  assert.deepEqual(model.phi(), straight.phi());
  const other = buildCorpus(gen.docs.slice(0, 50), { minDocFreq: 1, dropTopN: 0, minDocLength: 1 });
  await assert.rejects(model.train(other), /trained on another corpus/);
});

test('train is cancellable: an aborted signal rejects with CancelledError, in the calling thread and on workers', async () => {
  for (const workers of [0, 2]) {
    const ac = new AbortController();
    const model = new LdaModel({ numTopics: 5, iterations: 5000, seed: 2, workers });
    const run = model.train(corpus, { signal: ac.signal, onProgress: (p) => { if (p.done >= 100) ac.abort(); } });
    await assert.rejects(run, (e: unknown) => e instanceof CancelledError && /^lda: cancelled/.test(e.message), `workers ${workers}`);
    assert.equal(model.isTrained, false);
  }
});

test('save/load round-trips: same options, arrays, phi, top words and inference', async () => {
  const model = await trained();
  const dir = path.join(tmp(), 'model');
  model.save(dir);
  const back = LdaModel.load(dir);
  assert.deepEqual(back.options, model.options);
  assert.deepEqual(back.vocab, model.vocab);
  assert.deepEqual(back.docIds, model.docIds);
  assert.deepEqual(back.alpha, model.alpha);
  assert.deepEqual(back.counts, model.counts);
  assert.deepEqual(back.docTopics, model.docTopics);
  assert.deepEqual(back.meta, model.meta);
  assert.deepEqual(back.phi(), model.phi());
  const unseen = [docTokens(corpus, 0), docTokens(corpus, 7)];
  assert.deepEqual(back.infer(unseen, { seed: 4 }), model.infer(unseen, { seed: 4 }));
  assert.deepEqual(back.topWords(5), model.topWords(5));
  await assert.rejects(back.train(corpus), /a loaded LdaModel cannot continue training/);
  back.dispose();
  assert.throws(() => back.topWords(), /disposed/);
});

/** Rewrites a saved model with one array replaced (or the meta changed), through the container writer. */
function rewrite(dir: string, change: { arrays?: Record<string, ArrayInput>; meta?: (m: Record<string, unknown>) => void; kindVersion?: number }): void {
  const file = path.join(dir, LDA_MODEL_FILE);
  const a = readArtifact(file, { kind: LDA_MODEL_KIND, versions: [LDA_MODEL_VERSION] });
  const arrays: Record<string, ArrayInput> = {};
  for (const [name, arr] of Object.entries(a.arrays)) arrays[name] = arr.data.slice();
  const meta = structuredClone(a.meta) as Record<string, unknown>;
  change.meta?.(meta);
  writeArtifact(file, { kind: LDA_MODEL_KIND, kindVersion: change.kindVersion ?? LDA_MODEL_VERSION, meta, arrays: { ...arrays, ...change.arrays } });
}

test('load checks the file: truncated, foreign, another version, and every array against the sizes it implies', async () => {
  const model = await trained();
  const K = model.K;
  const V = model.V;
  const good = tmp();
  model.save(good);
  const bytes = readFileSync(path.join(good, LDA_MODEL_FILE));
  const copy = (): string => {
    const dir = tmp();
    writeFileSync(path.join(dir, LDA_MODEL_FILE), bytes);
    return dir;
  };
  const fails = (dir: string, message: RegExp, what: string): void => {
    assert.throws(() => LdaModel.load(dir), (e: unknown) => e instanceof FormatError && message.test(e.message), `${what}: expected ${message}`);
  };

  fails(tmp(), /no LDA model in .*lda-model\.bin is missing/, 'missing');
  let dir = copy();
  truncateSync(path.join(dir, LDA_MODEL_FILE), bytes.length - 3);
  fails(dir, /is truncated: .* needs \d+ bytes, the file has \d+/, 'truncated');
  dir = copy();
  writeFileSync(path.join(dir, LDA_MODEL_FILE), Buffer.concat([Buffer.from('{"format":"pacsmine.lda"}'), bytes]));
  fails(dir, /is not a pacsmine artifact/, 'wrong magic');
  dir = copy();
  rewrite(dir, { kindVersion: LDA_MODEL_VERSION + 1 });
  fails(dir, /"lda-model" version 2 is not supported/, 'wrong version');
  dir = tmp();
  writeArtifact(path.join(dir, LDA_MODEL_FILE), { kind: 'word-vectors', kindVersion: 1, arrays: {} });
  fails(dir, /holds a "word-vectors" artifact, not the "lda-model" expected/, 'another kind');

  // Each of the eight arrays one element too long (or its count off), and a missing one.
  const plusOne = (name: string, ctor: { from(a: ArrayLike<number>): ArrayInput & ArrayLike<number> }, data: ArrayLike<number>): Record<string, ArrayInput> => ({ [name]: ctor.from([...Array.from(data), 1]) });
  const c = model.counts;
  const d = model.docTopics;
  const cases: [string, Record<string, ArrayInput>, RegExp][] = [
    ['alpha', plusOne('alpha', Float64Array, model.alpha), new RegExp(`"alpha" .* shape \\[${K + 1}\\], expected \\[${K}\\]`)],
    ['nk', plusOne('nk', Int32Array, c.nk), /"nk" .* expected \[5\]/],
    ['wtOffsets', plusOne('wtOffsets', Uint32Array, c.wtOffsets), new RegExp(`"wtOffsets" .* expected \\[${V + 1}\\]`)],
    ['wtTopics', plusOne('wtTopics', Uint16Array, c.wtTopics), /"wtTopics" .* shape/],
    ['wtCounts', plusOne('wtCounts', Uint32Array, c.wtCounts), /"wtCounts" .* shape/],
    ['docOffsets', plusOne('docOffsets', Uint32Array, d.offsets), /"docOffsets" .* shape/],
    ['docTopicIds', plusOne('docTopicIds', Uint16Array, d.topics), /"docTopicIds" .* shape/],
    ['docTopicCounts', plusOne('docTopicCounts', Uint32Array, d.counts), /"docTopicCounts" .* shape/],
    ['wtCounts as u16', { wtCounts: Uint16Array.from(c.wtCounts) }, /"wtCounts" .* is u16, expected u32/],
    ['a topic id >= K', { docTopicIds: d.topics.map((t, i) => (i === 3 ? K + 2 : t)) }, /doc-topic entry 3 names topic 7, K is 5/],
    ['decreasing offsets', { wtOffsets: c.wtOffsets.map((v, i) => (i === 2 ? 0 : v)) }, /wtOffsets decreases at/],
    ['nk off by one', { nk: c.nk.map((v, i) => (i === 0 ? v + 1 : v)) }, /topic totals \(nk\) hold \d+ tokens, the word-topic counts \d+/],
  ];
  for (const [what, arrays, message] of cases) {
    dir = copy();
    rewrite(dir, { arrays });
    fails(dir, message, what);
  }
  dir = copy();
  rewrite(dir, { meta: (m) => { (m['vocab'] as string[]).pop(); } });
  fails(dir, new RegExp(`"wtOffsets" .* shape \\[${V + 1}\\], expected \\[${V}\\] \\(K = 5, V = ${V - 1}`), 'a vocabulary one term short');
  dir = copy();
  rewrite(dir, { meta: (m) => { delete m['docIds']; } });
  fails(dir, /meta.docIds is not a list of ids/, 'no document ids');
});

test('fold-in inference labels unseen documents like their true category', async () => {
  const { train, test: held } = splitDocuments(corpus.docIds.length, 0.3, 5);
  const model = new LdaModel({ numTopics: 5, iterations: 100, seed: 2, alpha: 0.1, workers: 0 });
  await model.train(subsetCorpus(corpus, train));
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
  const model = await trained({ iterations: 80, alpha: 0.1 });
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
  const sweep = await sweepTopics(corpus, [2, 5, 10], { iterations: 40, seed: 1, workers: 0 });
  assert.equal(sweep.points.length, 3);
  assert.ok(sweep.points.every((p) => p.perplexity > 1 && Number.isFinite(p.npmi)));
  const p2 = sweep.points[0]?.perplexity as number;
  const p5 = sweep.points[1]?.perplexity as number;
  assert.ok(p5 < p2, 'five topics explain a 5-topic corpus better than two');
  assert.ok(sweep.chosenK >= 5, `chosen K ${sweep.chosenK}`);
});
