import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseObo } from '../ontology/obo.js';
import { TermMatcher } from '../ontology/matcher.js';
import { describeWindow, bigramTargets } from './bigrams.js';
import { computeCorpusStats } from '../stats/corpus-stats.js';
import { WordVectors } from '../embeddings/vectors.js';
import { Workspace } from '../store/workspace.js';
import { runEmbedStage, loadWorkspaceVectors } from '../embeddings/stage.js';
import { runDescribeStage } from './stage.js';

const OBO = `format-version: 1.2

[Term]
id: DOID:10
name: metastasis

[Term]
id: DOID:11
name: liver cancer
synonym: "hepatic tumor" EXACT []

[Term]
id: DOID:12
name: lymph node disease
synonym: "nodes" RELATED []

[Term]
id: DOID:13
name: porta hepatis disease
synonym: "hepatis" RELATED []

[Term]
id: DOID:14
name: cyst

[Term]
id: DOID:15
name: pleural effusion
`;

const matcher = new TermMatcher(parseObo(OBO), { synonymScopes: ['EXACT', 'RELATED'] });

test('bigrams come from multi-word and touching terms; lone term words are dropped (Figure 7)', () => {
  const d = describeWindow(matcher, {
    prevSentence: 'Large hepatic tumour with metastasis.',
    sentence: 'Enlarged nodes near the hepatis, see image 12.',
    nextSentence: 'No pleural effusion. Small cysts.',
  });
  assert.deepEqual(d.bigrams, [['hepatic', 'tumour']]);
  assert.deepEqual(d.droppedWords.sort(), ['cysts', 'hepatis', 'metastasis', 'nodes']);
  const effusion = d.terms.find((t) => t.id === 'DOID:15');
  assert.equal(effusion?.status, 'negated');
  assert.equal(effusion?.sentenceOffset, 1);
  // With negated terms allowed, the effusion forms a bigram too.
  const all = describeWindow(matcher, { sentence: 'No pleural effusion.' }, { statuses: ['affirmed', 'uncertain', 'negated'] });
  assert.deepEqual(all.bigrams, [['pleural', 'effusion']]);
  // Touching terms join into one run: "metastasis cyst" is a bigram, twice mentioned once kept.
  assert.deepEqual(describeWindow(matcher, { sentence: 'Metastasis cyst and metastasis cyst.' }).bigrams, [['metastasis', 'cyst']]);
});

test('each bigram becomes a 2·D target of the two word vectors', () => {
  const v = new WordVectors(['hepatic', 'tumour', 'cyst'], Float32Array.from([1, 2, 3, 4, 5, 6]), 2);
  const { targets, kept, missing } = bigramTargets(v, [['hepatic', 'tumour'], ['cyst', 'absent'], ['cyst', 'hepatic']]);
  assert.deepEqual(kept, [['hepatic', 'tumour'], ['cyst', 'hepatic']]);
  assert.deepEqual(missing, [['cyst', 'absent']]);
  assert.deepEqual([...targets], [1, 2, 3, 4, 5, 6, 1, 2]);
});

test('embed and describe stages read the workspace tables and write bigrams and targets', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'describe-'));
  const obo = path.join(dir, 'do.obo');
  writeFileSync(obo, OBO);
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const text = 'There is a pleural effusion on the left. A hepatic tumor is seen (image 3). Possible liver cancer.';
    const insertReport = ws.db.prepare("INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES (?, 'test', ?, 3, 20, 1)");
    for (let i = 0; i < 40; i++) insertReport.run(`r${i}`, text);
    ws.db.prepare("INSERT INTO refs (id, report_id, sentence_index, start, end, text, series, instances, sentence, prev_sentence, next_sentence) VALUES (1, 'r0', 1, 0, 5, 'image 3', '[]', '[3]', ?, ?, ?)")
      .run('A hepatic tumor is seen (image 3).', 'There is a pleural effusion on the left.', 'Possible liver cancer.');
    ws.db.prepare("INSERT INTO key_images (id, ref_id, report_id, series_number, instance_number) VALUES (7, 1, 'r0', NULL, 3)").run();

    const embed = await runEmbedStage(ws, { vectorSize: 8, window: 3, minCount: 1, epochs: 1, sample: 0 });
    assert.equal(embed.skipped, false);
    assert.equal(embed.reports, 40);
    assert.equal((await runEmbedStage(ws, { vectorSize: 8, window: 3, minCount: 1, epochs: 1, sample: 0 })).skipped, true);
    const vectors = loadWorkspaceVectors(ws);
    assert.equal(vectors.vectorSize, 8);

    assert.equal(computeCorpusStats(ws).perWindow.diseaseTerms, null, 'Table 4 has no disease-term rows before describe');
    const r = await runDescribeStage(ws, { ontologyPath: obo, synonymScopes: ['EXACT'] });
    assert.equal(r.keyImages, 1);
    assert.equal(r.keyImagesWithBigrams, 1);
    const rows = ws.db.prepare('SELECT key_image_id, word1, word2, target_row FROM image_bigrams ORDER BY target_row').all();
    assert.deepEqual(rows, [
      { key_image_id: 7, word1: 'pleural', word2: 'effusion', target_row: 0 },
      { key_image_id: 7, word1: 'hepatic', word2: 'tumor', target_row: 1 },
      { key_image_id: 7, word1: 'liver', word2: 'cancer', target_row: 2 },
    ]);
    const statuses = ws.db.prepare('SELECT term_id, status FROM term_hits ORDER BY sentence_offset').all();
    assert.deepEqual(statuses, [
      { term_id: 'DOID:15', status: 'affirmed' },
      { term_id: 'DOID:11', status: 'affirmed' },
      { term_id: 'DOID:11', status: 'uncertain' },
    ]);
    const targets = new Float32Array(Uint8Array.from(readFileSync(r.targetsPath as string)).buffer);
    assert.equal(targets.length, 3 * 16);
    assert.deepEqual(targets.subarray(16, 24), vectors.vector('hepatic'));
    assert.deepEqual(targets.subarray(24, 32), vectors.vector('tumor'));
    // Table 4 (one implementation, pacsmine stats) counts these hits: 3 terms of 2 words in the window's 3 sentences.
    const stats = computeCorpusStats(ws);
    assert.deepEqual(stats.perWindow.diseaseTerms, { count: 1, mean: 3, std: 0 });
    assert.deepEqual(stats.wordsPerSentence.imageReferencesDiseaseTerms, { sentences: 3, words: 6, wordsPerSentence: 2 });
  } finally {
    ws.close();
  }
});

test('describe runs again when its targets.f32 was truncated, and skips when it is intact', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'describe-artifacts-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const insertReport = ws.db.prepare("INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES (?, 'test', ?, 2, 12, 1)");
    for (let i = 0; i < 20; i++) insertReport.run(`r${i}`, 'There is a pleural effusion on the left (image 3). Possible liver cancer.');
    ws.db.prepare("INSERT INTO refs (id, report_id, sentence_index, start, end, text, series, instances, sentence, prev_sentence, next_sentence) VALUES (1, 'r0', 0, 0, 5, 'image 3', '[]', '[3]', ?, NULL, ?)")
      .run('There is a pleural effusion on the left (image 3).', 'Possible liver cancer.');
    ws.db.prepare("INSERT INTO key_images (id, ref_id, report_id, series_number, instance_number) VALUES (1, 1, 'r0', NULL, 3)").run();
    await runEmbedStage(ws, { vectorSize: 8, window: 3, minCount: 1, epochs: 1, sample: 0 });
    const first = await runDescribeStage(ws, {});
    assert.equal(first.skipped, false);
    const targets = readFileSync(first.targetsPath as string);
    assert.ok(targets.length > 0);
    assert.equal((await runDescribeStage(ws, {})).skipped, true);
    truncateSync(first.targetsPath as string, targets.length - 4);
    const again = await runDescribeStage(ws, {});
    assert.equal(again.skipped, false, 'a truncated targets.f32 is not up to date');
    assert.deepEqual(readFileSync(first.targetsPath as string), targets);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
