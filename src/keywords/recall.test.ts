import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MissingStageError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { WordVectors } from '../embeddings/vectors.js';
import { frequencyRanking, hitAtK, matchKey, randomRanking, recallAtK, recallTable, truthSet } from './recall.js';
import { cosine, rankCandidates } from './predict-keywords.js';
import { ImageSearchIndex, evaluateSearch, queryWords, searchIndex } from './search.js';

test('words match through the term normalisation: plurals and British spellings', () => {
  assert.equal(matchKey('Cysts'), matchKey('cyst'));
  assert.equal(matchKey('tumours'), matchKey('tumor'));
  assert.notEqual(matchKey('liver'), matchKey('lung'));
  assert.ok(hitAtK(['image', 'cysts'], truthSet(['cyst']), 2));
  assert.ok(!hitAtK(['image', 'cysts'], truthSet(['cyst']), 1));
});

test('R@K by hand: a pair is a hit when one of its first K words is a truth word', () => {
  const truths = [truthSet(['lung', 'cancer']), truthSet(['cyst']), truthSet(['mass'])];
  const rankings = [['cancer', 'a', 'b'], ['a', 'b', 'cyst'], ['a', 'b', 'c']];
  assert.deepEqual(recallAtK(rankings, truths, [1, 2, 3, 10]), { '1': 1 / 3, '2': 1 / 3, '3': 2 / 3, '10': 2 / 3 });
  assert.deepEqual(recallAtK([], [], [1]), { '1': 0 });
  assert.throws(() => recallAtK([['a']], [], [1]));
});

test('baselines: the most frequent word by images naming it; a seeded random order; the table scores all on the same pairs', () => {
  // 'cancer' is named by 3 images (twice by one: counted once), 'cyst' by 2, 'mass' by 1.
  assert.deepEqual(frequencyRanking([['cancer', 'cancer'], ['cancer', 'cysts'], ['cancer'], ['cyst', 'mass']]), ['cancer', 'cyst', 'mass']);
  const a = randomRanking(['a', 'b', 'c', 'd', 'e'], new Rng(4));
  assert.deepEqual([...a].sort(), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(randomRanking(['a', 'b', 'c', 'd', 'e'], new Rng(4)), a, 'same seed, same order');
  const t = recallTable(
    [
      { regression: ['cyst', 'x'], topicsOnly: ['x', 'cyst'], randomTopicWord: ['x', 'cyst'], mostFrequent: ['cancer'] },
      { regression: ['y', 'x'], topicsOnly: ['x', 'y'], randomTopicWord: ['y', 'x'], mostFrequent: ['cancer'] },
    ],
    [truthSet(['cyst']), truthSet(['cancer'])], [1, 2]);
  assert.equal(t.pairs, 2);
  assert.deepEqual(t.recall, { '1': 0.5, '2': 0.5 });
  assert.deepEqual(t.baselines.topicsOnly, { '1': 0, '2': 0.5 });
  assert.deepEqual(t.baselines.mostFrequent, { '1': 0.5, '2': 0.5 });
  assert.equal(t.ceiling, 0.5, 'the second pair\'s candidates hold no truth word');
});

test('candidates rank by their better cosine against either half of the output; words without a vector are left out', () => {
  const v = new WordVectors(['lung', 'cancer', 'image', 'liver'], Float32Array.from([1, 0, 0, 1, 0.7, 0.7, -1, 0]), 2);
  // First half points at 'lung', second at 'cancer'.
  const ranked = rankCandidates([2, 0, 0, 3], ['image', 'liver', 'cancer', 'nosuchword', 'lung', 'cancer'], v);
  assert.deepEqual(ranked.map((r) => r.word), ['cancer', 'lung', 'image', 'liver']);
  assert.equal(ranked[0]!.half, 1);
  assert.equal(ranked[1]!.half, 0);
  assert.ok(Math.abs(ranked[2]!.cosine - Math.SQRT1_2) < 1e-6);
  assert.equal(ranked[3]!.cosine, 0, 'liver: -1 against the first half, 0 against the second');
  assert.throws(() => rankCandidates([1, 2, 3], ['lung'], v), /2 × 2/);
  assert.equal(cosine([0, 0], [1, 1]), 0);
});

test('search: query words, image scores by the better half, ranks; captions as queries against a random ranking', () => {
  assert.deepEqual(queryWords('The pleural effusion, 3 cm, and EFFUSION.'), ['pleural', 'effusion', 'cm']);
  const v = new WordVectors(['lung', 'cancer', 'liver', 'cyst'], Float32Array.from([1, 0, 0, 1, -1, 0, 0, -1]), 2);
  // Image 0 says "lung cancer", image 1 "liver cyst", image 2 "cancer liver".
  const outputs = Float32Array.from([1, 0, 0, 1, -1, 0, 0, -1, 0, 1, -1, 0]);
  const index = new ImageSearchIndex(['a', 'b', 'c'], ['test', 'test', 'train'], outputs, 4);
  assert.deepEqual(Array.from(index.score([v.vector('lung')])), [1, 0, 0]);
  const r = searchIndex(index, v, 'lung cancer', { top: 2 });
  assert.deepEqual(r.ranked.map((x) => x.index), [0, 2]);
  assert.deepEqual(searchIndex(index, v, 'lung cancer', { split: 'test' }).ranked.map((x) => x.index), [0, 1]);
  const unknown = searchIndex(index, v, 'pneumothorax');
  assert.deepEqual(unknown.ranked, []);
  assert.match(unknown.reason!, /no query word is in the vocabulary.*pneumothorax/);
  assert.match(searchIndex(index, v, 'the of 12').reason!, /no words to search for/);
  assert.throws(() => searchIndex(index, v, '   '), /query is empty/);
  const e = evaluateSearch(index, v, new Map([['a', 'Lung cancer.'], ['b', 'A liver cyst.'], ['c', 'Nothing known.']]), [0, 1, 2]);
  assert.equal(e.queries, 2);
  assert.equal(e.skipped, 1, 'a caption without a known word is no query');
  assert.equal(e.mrr, 1, 'each caption ranks its own image first');
  assert.equal(e.randomRecallAt10, 1);
  assert.ok(Math.abs(e.randomMrr - (1 + 1 / 2 + 1 / 3) / 3) < 1e-12);
});

test('topic words: a second-level topic that is its parent\'s only sub-topic (no words of its own) takes its parent\'s words', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { Workspace } = await import('../store/workspace.js');
  const { TOPICS_SCHEMA } = await import('../topics/schema.js');
  const { topicWords } = await import('./predict-keywords.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-kw-topics-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    assert.throws(() => topicWords(ws, 'document'), (e: unknown) => e instanceof MissingStageError && e.missingStage === 'topics');
    ws.db.exec(TOPICS_SCHEMA);
    const insert = ws.db.prepare('INSERT INTO topics (level, parent, topic, label, top_words, num_docs, num_images) VALUES (?, ?, ?, ?, ?, 1, 1)');
    insert.run('document', -1, 0, '0', JSON.stringify(['lung', 'nodule', 'cancer']));
    insert.run('document', -1, 1, '1', JSON.stringify(['liver', 'cyst']));
    insert.run('second', 0, 0, '0.0', '[]');
    insert.run('second', 1, 0, '1.0', JSON.stringify(['hepatic']));
    insert.run('second', 1, 1, '1.1', JSON.stringify(['renal', 'cyst']));
    const second = topicWords(ws, 'second', 2);
    assert.deepEqual(second.get('0.0'), ['lung', 'nodule']);
    assert.deepEqual(second.get('1.0'), ['hepatic']);
    assert.deepEqual(topicWords(ws, 'document').get('1'), ['liver', 'cyst']);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the disease vocabulary: the words of live term names and of synonyms of the chosen scopes, as match keys', async () => {
  const { parseObo } = await import('../ontology/obo.js');
  const { diseaseVocabulary } = await import('./recall.js');
  const obo = parseObo(`format-version: 1.2

[Term]
id: DOID:1
name: lung cancer
synonym: "pulmonary tumour" EXACT []
synonym: "lung neoplasms" RELATED []

[Term]
id: DOID:2
name: old cyst
is_obsolete: true
`);
  const v = diseaseVocabulary(obo);
  assert.deepEqual([...v].sort(), ['cancer', 'lung', 'pulmonary', 'tumor']);
  assert.ok(diseaseVocabulary(obo, ['EXACT', 'RELATED']).has(matchKey('neoplasms')));
});
