import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CORPUS_KIND, buildCorpus, docTokens, encodeText, loadCorpus, saveCorpus, subsetCorpus } from './corpus.js';
import { readArtifact, writeArtifact } from '../util/artifact-file.js';

const docs = [
  { id: 'a', text: 'Heart size normal. Lungs are clear. No effusion. Heart and lungs fine, 1.5 cm nodule.' },
  { id: 'b', text: 'Heart enlarged. Lungs clear, small effusion present on the left lungs. Nodule 1.5 cm.' },
  { id: 'c', text: 'Lungs clear bilaterally. Heart normal. Effusion absent. Rare zebra word.' },
  { id: 'd', text: 'ok no' },
  { id: 'e', text: 'Heart lungs.' },
];

test('corpus rules apply in order and every drop is counted', () => {
  const c = buildCorpus(docs, { minDocFreq: 3, dropTopN: 1, minDocLength: 3 });
  // 'lungs' (6 tokens) is the most frequent term and is dropped by dropTopN.
  assert.ok(!c.vocab.includes('lungs'));
  assert.equal(c.dropped.topTerms, 1);
  assert.ok(!c.vocab.includes('zebra'), 'terms in fewer than 3 documents are dropped');
  assert.ok(c.vocab.includes('heart') && c.vocab.includes('effusion'));
  assert.ok(!c.vocab.includes('no'), 'tokens under 3 characters are dropped');
  assert.deepEqual(c.docIds, ['a', 'b', 'c']);
  assert.equal(c.dropped.emptyDocs, 1); // 'd' has nothing left
  assert.equal(c.dropped.shortDocs, 1); // 'e' keeps only 'heart'
  assert.deepEqual(c.dropped.droppedDocIds, ['d', 'e']);
  assert.equal(c.docOffsets.length, 4);
  assert.equal(c.docOffsets[3], c.tokens.length);
  for (let d = 0; d < 3; d++) for (const t of docTokens(c, d)) assert.ok(t < c.vocab.length);
});

test('words and numbers only by default; inner punctuation is an option', () => {
  const plain = buildCorpus(docs, { minDocFreq: 1, dropTopN: 0, minDocLength: 1 });
  assert.ok(!plain.vocab.includes('1.5'));
  const inner = buildCorpus(docs, { minDocFreq: 1, dropTopN: 0, minDocLength: 1, keepInnerPunctuation: true });
  assert.ok(inner.vocab.includes('1.5'));
});

test('token arrays, fixed vocabulary, encodeText and subsets', () => {
  const c = buildCorpus([['alpha', 'beta', 'gamma'], ['alpha', 'delta']], { minDocFreq: 1, dropTopN: 0, minDocLength: 1 });
  assert.deepEqual(c.docIds, ['0', '1']);
  assert.equal(c.vocab[0], 'alpha');
  const fixed = buildCorpus(['gamma alpha unknown'], { vocab: c.vocab, minDocLength: 1 });
  assert.deepEqual(fixed.vocab, c.vocab);
  assert.deepEqual([...fixed.tokens].map((t) => c.vocab[t]), ['gamma', 'alpha']);
  assert.deepEqual([...encodeText('Delta, ALPHA and more', c.vocab)].map((t) => c.vocab[t]), ['delta', 'alpha']);
  const sub = subsetCorpus(c, [1]);
  assert.deepEqual(sub.docIds, ['1']);
  assert.deepEqual([...sub.tokens], [...docTokens(c, 1)]);
});

test('bad input: a record that is neither text nor tokens names its id', () => {
  assert.throws(() => buildCorpus([{ id: 'r9' } as never]), /document r9/);
  assert.throws(() => buildCorpus(['x'], { minDocFreq: 0 }), /minDocFreq/);
});

test('an empty corpus is empty, not an error, and says why', () => {
  const c = buildCorpus(['a b', ''], {});
  assert.equal(c.tokens.length, 0);
  assert.equal(c.docIds.length, 0);
  assert.equal(c.dropped.emptyDocs, 2);
});

test('save and load round-trip', () => {
  const c = buildCorpus(docs, { minDocFreq: 1, dropTopN: 0, minDocLength: 1 });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'corpus-')), 'corpus.bin');
  saveCorpus(c, file);
  const back = loadCorpus(file);
  assert.deepEqual(back.vocab, c.vocab);
  assert.deepEqual(back.docIds, c.docIds);
  assert.deepEqual(back.tokens, c.tokens);
  assert.deepEqual(back.docOffsets, c.docOffsets);
  assert.deepEqual(back.dropped, c.dropped);
  assert.deepEqual(back.options, c.options);
  // A corpus file is checked like a model: lengths against each other, ids against the vocabulary.
  const a = readArtifact(file, { kind: CORPUS_KIND, versions: [1] });
  const bad = (arrays: Record<string, Uint32Array>, meta: unknown = a.meta): void =>
    writeArtifact(file, { kind: CORPUS_KIND, kindVersion: 1, meta, arrays: { tokens: c.tokens, docOffsets: c.docOffsets, ...arrays } });
  bad({ docOffsets: c.docOffsets.slice(1) });
  assert.throws(() => loadCorpus(file), /"docOffsets" .* expected \[\d+\]/);
  bad({ tokens: c.tokens.slice(1) });
  assert.throws(() => loadCorpus(file), /the documents end at token \d+, the file holds \d+ tokens/);
  bad({ tokens: c.tokens.map((t, i) => (i === 4 ? c.vocab.length : t)) });
  assert.throws(() => loadCorpus(file), /token 4 has term id \d+, the vocabulary has \d+ terms/);
  truncateSync(file, 40);
  assert.throws(() => loadCorpus(file), /is truncated/);
});
