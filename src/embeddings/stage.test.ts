import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Workspace } from '../store/workspace.js';
import { runEmbedStage } from './stage.js';
import { Word2Vec } from './word2vec.js';
import { sentenceTokens } from './sentences.js';

const OPTIONS = { vectorSize: 8, window: 3, minCount: 1, epochs: 1, sample: 0, workers: 0 };

function workspaceWithReports(): { ws: Workspace; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'embed-stage-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  const insert = ws.db.prepare("INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES (?, 'test', ?, 2, 16, 0)");
  for (let i = 0; i < 30; i++) insert.run(`r${i}`, 'Small left pleural effusion with basilar atelectasis. Heart size is normal and the lungs are clear.');
  return { ws, dir };
}

test('embed runs again when vectors.bin was truncated or one byte of it changed, and skips only when it is intact', async () => {
  const { ws, dir } = workspaceWithReports();
  try {
    const first = await runEmbedStage(ws, OPTIONS);
    assert.equal(first.skipped, false);
    const good = readFileSync(first.vectorsPath);
    assert.equal((await runEmbedStage(ws, OPTIONS)).skipped, true, 'intact: up to date');

    truncateSync(first.vectorsPath, good.length - 10);
    const afterTruncate = await runEmbedStage(ws, OPTIONS);
    assert.equal(afterTruncate.skipped, false, 'truncated vectors.bin is not up to date');
    assert.deepEqual(readFileSync(first.vectorsPath), good, 'the re-run wrote the same vectors (same seed, one thread)');

    const flipped = Buffer.from(good);
    flipped[good.length - 5] = (flipped[good.length - 5] as number) ^ 0x40;
    writeFileSync(first.vectorsPath, flipped);
    assert.equal(statSync(first.vectorsPath).size, good.length);
    assert.equal((await runEmbedStage(ws, OPTIONS)).skipped, false, 'a changed byte, same size: not up to date');
    assert.deepEqual(readFileSync(first.vectorsPath), good);

    rmSync(first.vectorsPath);
    assert.equal((await runEmbedStage(ws, OPTIONS)).skipped, false, 'a deleted vectors.bin: not up to date');
    assert.equal((await runEmbedStage(ws, OPTIONS)).skipped, true);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('embed streams the reports from the store in report_id order: the same vectors as training on the sentences held in memory', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'embed-stream-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const texts = new Map<string, string>();
    const words = ['effusion', 'nodule', 'opacity', 'consolidation', 'atelectasis', 'pneumothorax', 'cardiomegaly', 'edema'];
    // Inserted out of order, so that the order is the query's, not the insertion's.
    for (let i = 0; i < 40; i++) {
      const id = `r${String((i * 17) % 40).padStart(2, '0')}`;
      texts.set(id, `There is ${words[i % 8]} of the left lung. No ${words[(i * 3) % 8]} is seen. The ${words[(i * 5) % 8]} is stable.`);
    }
    const insert = ws.db.prepare("INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES (?, 'test', ?, 3, 20, 0)");
    for (const [id, text] of texts) insert.run(id, text);
    const stage = await runEmbedStage(ws, OPTIONS);
    assert.equal(stage.reports, 40);

    const ordered = [...texts.keys()].sort().map((id) => texts.get(id) as string);
    const model = new Word2Vec(OPTIONS);
    await model.train([...sentenceTokens(ordered)]);
    assert.equal(stage.digest, model.digest(), 'the streamed corpus is the in-memory corpus, sentence for sentence');
    model.dispose();
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
