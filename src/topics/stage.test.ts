import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { topicWorkspace } from '../../testing/topic-docs.js';
import { runTopicStage } from './stage.js';
import { MissingStageError } from '../util/errors.js';
import { codeDigest } from '../util/code-digest.js';
import { normalizedMutualInformation } from './nmi.js';

/** A workspace with reports from 4 known categories, one reference and 1-2 key images per report. */
function makeWorkspace(): { ws: Workspace; category: Map<string, number> } {
  return topicWorkspace(mkdtempSync(path.join(os.tmpdir(), 'topics-ws-')));
}

test('workspace stage: every key image gets a label at all three levels, document topics recover the categories', async () => {
  const { ws, category } = makeWorkspace();
  try {
    const corpus = { minDocFreq: 2, dropTopN: 0, minDocLength: 3 };
    await assert.rejects(runTopicStage(ws, { level: 'second', k: 2, corpus }), (e: unknown) => e instanceof MissingStageError && e.missingStage === 'topics' && e.level === 'document');
    const doc = await runTopicStage(ws, { level: 'document', sweep: [2, 4, 8], iterations: 60, seed: 1, alpha: 0.1, corpus });
    const images = (ws.db.prepare('SELECT COUNT(*) AS n FROM key_images').get() as { n: number }).n;
    assert.equal(doc.numImages, images);
    assert.ok(doc.sweep && doc.sweep.points.length === 3);
    assert.ok(existsSync(ws.artifactPath('topics', 'document-sweep.json')));
    assert.ok(existsSync(ws.artifactPath('topics', 'document', 'lda-model.bin')));
    assert.ok(!existsSync(ws.artifactPath('topics', 'checkpoints', 'document')), 'checkpoints go once the stage is recorded');
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
    const o = { level: 'document' as const, k: 4, iterations: 20, workers: 0, corpus: { minDocFreq: 2, dropTopN: 0, minDocLength: 3 } };
    const first = await runTopicStage(ws, o);
    assert.notEqual(first.skipped, true);
    assert.match(first.digest, /^[0-9a-f]{64}$/);
    const model = ws.artifactPath('topics', 'document', 'lda-model.bin');
    const bytes = readFileSync(model);
    assert.equal((await runTopicStage(ws, o)).skipped, true);
    truncateSync(model, bytes.length - 8);
    const rerun = await runTopicStage(ws, o);
    assert.notEqual(rerun.skipped, true, 'a truncated model is not up to date');
    assert.deepEqual(readFileSync(model), bytes, 'same seed, one thread: the same model again');
    assert.equal(rerun.digest, first.digest, 'and the same digest');
    const skipped = await runTopicStage(ws, o);
    assert.deepEqual([skipped.skipped, skipped.digest], [true, first.digest], 'a skipped run reports the recorded digest');
    // The record is keyed on the code digest of the stage's folders: other code, other record.
    ws.db.prepare("UPDATE stages SET code_digest = 'other code' WHERE stage = 'topics:document'").run();
    assert.notEqual((await runTopicStage(ws, o)).skipped, true, 'a record made by other code is stale');
    assert.equal(ws.stageRecord('topics:document')?.codeDigest, codeDigest('reports', 'store', 'topics', 'util'));
    assert.equal((await runTopicStage(ws, o)).skipped, true);
    assert.notEqual((await runTopicStage(ws, { ...o, seed: 2 })).digest, first.digest, 'another seed, another digest');
  } finally {
    ws.close();
  }
});
