import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Workspace } from '../store/workspace.js';
import { generateTopicDocs } from '../../testing/topic-docs.js';
import { runTopicStage } from './stage.js';
import { codeDigest } from '../util/code-digest.js';
import { normalizedMutualInformation } from './nmi.js';

/** A workspace with reports from 4 known categories, one reference and 1-2 key images per report. */
function makeWorkspace(): { ws: Workspace; category: Map<string, number> } {
  const ws = Workspace.open(mkdtempSync(path.join(os.tmpdir(), 'topics-ws-')));
  const gen = generateTopicDocs({ numTopics: 4, numDocs: 120, seed: 5, docLength: [40, 60] });
  const category = new Map<string, number>();
  const insReport = ws.db.prepare(`INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES (?, 'test', ?, 3, ?, 1)`);
  const insRef = ws.db.prepare(`INSERT INTO refs (report_id, sentence_index, start, end, text, series, instances, sentence, prev_sentence, next_sentence)
    VALUES (?, 1, 0, 1, 'image 3', '[]', '[3]', ?, ?, ?)`);
  const insImage = ws.db.prepare('INSERT INTO key_images (ref_id, report_id, series_number, instance_number) VALUES (?, ?, 1, ?)');
  gen.docs.forEach((d, i) => {
    const id = `R${String(i).padStart(4, '0')}`;
    category.set(id, gen.category[i] as number);
    const t = d.tokens;
    const third = Math.floor(t.length / 3);
    insReport.run(id, `${t.join(' ')}.`, t.length);
    const ref = insRef.run(id, t.slice(third, 2 * third).join(' '), t.slice(0, third).join(' '), t.slice(2 * third).join(' '));
    for (let j = 0; j <= i % 2; j++) insImage.run(ref.lastInsertRowid, id, j + 1);
  });
  // One report with no known word at all: it must still get a label ('prior').
  insReport.run('R9999', 'zz qq', 2);
  const ref = insRef.run('R9999', 'zz', null, null);
  insImage.run(ref.lastInsertRowid, 'R9999', 1);
  return { ws, category };
}

test('workspace stage: every key image gets a label at all three levels, document topics recover the categories', async () => {
  const { ws, category } = makeWorkspace();
  try {
    const corpus = { minDocFreq: 2, dropTopN: 0, minDocLength: 3 };
    await assert.rejects(runTopicStage(ws, { level: 'second', k: 2, corpus }), /run `pacsmine topics --level document` first/);
    const doc = await runTopicStage(ws, { level: 'document', sweep: [2, 4, 8], iterations: 60, seed: 1, alpha: 0.1, corpus });
    const images = (ws.db.prepare('SELECT COUNT(*) AS n FROM key_images').get() as { n: number }).n;
    assert.equal(doc.numImages, images);
    assert.ok(doc.sweep && doc.sweep.points.length === 3);
    assert.ok(existsSync(ws.artifactPath('topics', 'document-sweep.json')));
    assert.ok(existsSync(ws.artifactPath('topics', 'document.json')));
    assert.equal(doc.methods['prior'], 1);
    const rows = ws.db.prepare("SELECT doc_id, topic FROM topic_docs WHERE level = 'document' AND doc_id != 'R9999' ORDER BY doc_id").all() as { doc_id: string; topic: number }[];
    const nmi = normalizedMutualInformation(Int32Array.from(rows.map((r) => r.topic)), Int32Array.from(rows.map((r) => category.get(r.doc_id) as number)));
    assert.ok(nmi > 0.8, `document-level NMI ${nmi.toFixed(3)}`);
    const topicRow = ws.db.prepare("SELECT top_words, num_docs, num_images FROM topics WHERE level = 'document' ORDER BY num_docs DESC LIMIT 1").get() as { top_words: string; num_docs: number; num_images: number };
    assert.ok((JSON.parse(topicRow.top_words) as string[]).length > 10);
    const docsSum = (ws.db.prepare("SELECT SUM(num_docs) AS n FROM topics WHERE level = 'document'").get() as { n: number }).n;
    assert.equal(docsSum, 121);

    const second = await runTopicStage(ws, { level: 'second', k: 2, iterations: 30, seed: 1, corpus, minDocsPerSubtopicModel: 10 });
    assert.equal(second.numImages, images);
    assert.ok(second.topics.every((t) => /^\d+\.\d+$/.test(t.label)));
    const sentence = await runTopicStage(ws, { level: 'sentence', k: 4, iterations: 40, seed: 1, corpus: { minDocFreq: 2, dropTopN: 0, minDocLength: 2 } });
    assert.equal(sentence.numImages, images);
    const perImage = ws.db.prepare('SELECT key_image_id, COUNT(*) AS n FROM topic_labels GROUP BY key_image_id').all() as { n: number }[];
    assert.equal(perImage.length, images);
    assert.ok(perImage.every((r) => r.n === 3), 'one label per level for every key image');

    const again = await runTopicStage(ws, { level: 'sentence', k: 4, iterations: 40, seed: 1, corpus: { minDocFreq: 2, dropTopN: 0, minDocLength: 2 } });
    assert.equal(again.skipped, true, 'an up-to-date stage is skipped');
  } finally {
    ws.close();
  }
});

test('a topic level runs again when one of its saved models was truncated or the code changed, and skips otherwise', async () => {
  const { ws } = makeWorkspace();
  try {
    const o = { level: 'document' as const, k: 4, iterations: 20, numWorkers: 1, corpus: { minDocFreq: 2, dropTopN: 0, minDocLength: 3 } };
    assert.notEqual((await runTopicStage(ws, o)).skipped, true);
    const model = ws.artifactPath('topics', 'document.bin');
    const bytes = readFileSync(model);
    assert.equal((await runTopicStage(ws, o)).skipped, true);
    truncateSync(model, bytes.length - 8);
    assert.notEqual((await runTopicStage(ws, o)).skipped, true, 'a truncated model is not up to date');
    assert.deepEqual(readFileSync(model), bytes, 'same seed, one thread: the same model again');
    assert.equal((await runTopicStage(ws, o)).skipped, true);
    // The record is keyed on the code digest of the stage's folders: other code, other record.
    ws.db.prepare("UPDATE stages SET code_digest = 'other code' WHERE stage = 'topics:document'").run();
    assert.notEqual((await runTopicStage(ws, o)).skipped, true, 'a record made by other code is stale');
    assert.equal(ws.stageRecord('topics:document')?.codeDigest, codeDigest('reports', 'topics', 'util'));
    assert.equal((await runTopicStage(ws, o)).skipped, true);
  } finally {
    ws.close();
  }
});
