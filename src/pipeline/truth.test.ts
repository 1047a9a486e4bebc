import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workspace } from '../store/workspace.js';
import { generateArchive } from '../sample/generate.js';
import { ingestReports } from '../reports/ingest.js';
import { runTopicStage } from '../topics/stage.js';
import { scoreTopicsAgainstTruth, readTruthCategories } from './truth.js';

test('document-level topics recover the synthetic archive\'s study categories (NMI floor 0.6)', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-truth-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const archive = await generateArchive({ outDir: path.join(dir, 'archive'), studies: 300, seed: 7, reportsOnly: true });
    const ingest = await ingestReports(ws, archive.reportsCsv, { format: 'csv', idColumn: 'report_id', textColumns: ['text'], workers: 0 });
    assert.equal(ingest.ingested, 300);
    const categories = new Set(readTruthCategories(archive.truthJsonl).values()).size;
    await runTopicStage(ws, { level: 'document', k: categories, iterations: 200, seed: 3, workers: 0 });
    const score = scoreTopicsAgainstTruth(ws, archive.truthJsonl);
    assert.equal(score.documents, 300);
    assert.equal(score.categories, categories);
    t.diagnostic(`NMI ${score.nmi.toFixed(3)} over ${score.documents} reports, ${categories} categories, ${score.topics} topics`);
    assert.ok(score.nmi >= 0.6, `NMI ${score.nmi.toFixed(3)} between topics and ${categories} categories`);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
