import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Workspace } from '../store/workspace.js';
import { runEmbedStage } from './stage.js';

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
