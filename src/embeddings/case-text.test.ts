import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workspace } from '../store/workspace.js';
import { COLLECTIONS_SCHEMA } from '../collections/schema.js';
import { runEmbedStage, loadWorkspaceVectors } from './stage.js';

test('embed adds the case text kept beside the reports (MedPix\'s disease discussion) when asked, by kind', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-embed-case-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const insert = ws.db.prepare("INSERT INTO reports (report_id, source, text, num_sentences, num_tokens, num_refs) VALUES (?, 'test', ?, 1, 6, 0)");
    for (let i = 0; i < 20; i++) insert.run(`c${i}`, 'The liver shows a cyst.');
    const opts = { vectorSize: 8, window: 3, minCount: 2, epochs: 1, sample: 0, seed: 1 };
    // No collection table: nothing to add, and no failure.
    const plain = await runEmbedStage(ws, { ...opts, caseExtraText: true });
    assert.equal(plain.caseExtraTexts, 0);
    assert.equal(loadWorkspaceVectors(ws).has('echinococcus'), false);

    ws.db.exec(COLLECTIONS_SCHEMA);
    const extra = ws.db.prepare('INSERT INTO case_extra_text (report_id, kind, text) VALUES (?, ?, ?)');
    for (let i = 0; i < 20; i++) {
      extra.run(`c${i}`, 'disease-discussion', 'Hydatid cysts are caused by echinococcus.');
      extra.run(`c${i}`, 'treatment', 'Albendazole is given.');
    }
    const none = await runEmbedStage(ws, opts);
    assert.equal(none.caseExtraTexts, 0, 'left out unless asked');
    assert.equal(loadWorkspaceVectors(ws).has('echinococcus'), false);

    const discussion = await runEmbedStage(ws, { ...opts, caseExtraText: ['disease-discussion'] });
    assert.equal(discussion.skipped, false, 'other text is another input');
    assert.equal(discussion.caseExtraTexts, 20);
    const v = loadWorkspaceVectors(ws);
    assert.ok(v.has('echinococcus') && v.has('hydatid'));
    assert.equal(v.has('albendazole'), false, 'only the kinds asked for');

    const all = await runEmbedStage(ws, { ...opts, caseExtraText: true });
    assert.equal(all.caseExtraTexts, 40);
    assert.ok(loadWorkspaceVectors(ws).has('albendazole'));
    assert.equal((await runEmbedStage(ws, { ...opts, caseExtraText: true })).skipped, true, 'up to date on the same text');
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
