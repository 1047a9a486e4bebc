import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsSharedData, sharedDataDir } from '../../testing/requirements.js';
import { Workspace } from '../store/workspace.js';
import { runTopicStage } from '../topics/stage.js';
import { writeKeyImageDataset } from '../pipeline/dataset.js';
import { maskRects } from '../images/mask.js';
import { decodeGrey, outputRect, padGeometry } from './render.js';
import { MEDPIX_OVERLAY } from './medpix.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

test('MedPix 2.0: all 2,050 images of 671 cases become caption key images; topics and the key-image dataset run unchanged on them', { skip: needsSharedData('medpix2/Case_topic.json') }, async () => {
  const dir = path.join(sharedDataDir, 'medpix2');
  const wsDir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-medpix-'));
  const r = spawnSync(process.execPath, [CLI, 'ingest-pairs', dir, '--format', 'medpix', '--workspace', wsDir, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { images: number; reports: number; rejected: number; digest: string };
  assert.deepEqual([s.images, s.reports, s.rejected], [2050, 671, 0]);

  const ws = Workspace.open(wsDir);
  try {
    const count = (sql: string): number => ws.db.prepare(sql).pluck().get() as number;
    // The shared data's README: CT 1,062, MR 988; 5 location categories.
    assert.deepEqual(ws.db.prepare('SELECT modality, COUNT(*) AS n FROM collection_images GROUP BY modality ORDER BY modality').all(), [{ modality: 'CT', n: 1062 }, { modality: 'MR', n: 988 }]);
    assert.deepEqual(ws.db.prepare('SELECT location_category AS c, COUNT(*) AS n FROM collection_images GROUP BY c ORDER BY n DESC').all(), [
      { c: 'Head', n: 884 }, { c: 'Spine and Muscles', n: 355 }, { c: 'Thorax', n: 334 }, { c: 'Abdomen', n: 319 }, { c: 'Reproductive and Urinary System', n: 158 },
    ]);
    assert.equal(count("SELECT COUNT(*) FROM links WHERE method = 'caption'"), 2050);
    assert.equal(count("SELECT COUNT(*) FROM collection_images WHERE mask = 'top-right:0.45x0.12,bottom:0.09'"), 2050, 'masked by default');

    // The report is history + findings + diagnosis; the disease discussion is kept beside it.
    const cases = JSON.parse(readFileSync(path.join(dir, 'Case_topic.json'), 'utf8')) as Array<{ U_id: string; Case: Record<string, string | undefined>; Topic: { 'Disease Discussion': string } }>;
    assert.equal(count("SELECT COUNT(*) FROM case_extra_text WHERE kind = 'disease-discussion'"), 671);
    const text = ws.db.prepare('SELECT text FROM reports WHERE report_id = ?').pluck();
    let withDiagnosis = 0;
    for (const c of cases) {
      const t = text.get(c.U_id) as string;
      const discussion = c.Topic['Disease Discussion'].trim();
      // (A few discussions are one word, the diagnosis, which the report does contain; in 3 cases the findings quote the discussion.)
      const own = `${c.Case['History'] ?? ''} ${c.Case['Findings'] ?? ''}`;
      if (discussion.length >= 200 && !own.includes(discussion.slice(0, 80))) assert.ok(!t.includes(discussion.slice(0, 80)), `${c.U_id}: the disease discussion stays out of the report`);
      if (t.includes('DIAGNOSIS:')) withDiagnosis++;
    }
    assert.equal(withDiagnosis, 671);

    // A sample of key-image PNGs: 256 x 256, the regions exactly 0 where they map.
    const pngs = ws.db.prepare(`SELECT p.path, p.source_rows AS h, p.source_columns AS w FROM key_image_png p
      JOIN collection_images c USING (sop_instance_uid) ORDER BY c.image_id LIMIT 40`).all() as Array<{ path: string; h: number; w: number }>;
    for (const p of pngs) {
      const img = await decodeGrey(p.path);
      assert.deepEqual([img.width, img.height], [256, 256]);
      const g = padGeometry(p.w, p.h, 256);
      for (const rect of maskRects(p.w, p.h, MEDPIX_OVERLAY).map((x) => outputRect(x, g, 256))) {
        for (let y = rect.y; y < rect.y + rect.h; y++) for (let x = rect.x; x < rect.x + rect.w; x++) assert.equal(img.pixels[y * 256 + x], 0);
      }
    }

    // Later stages, unchanged: document and sentence topics, then the labelled key-image dataset.
    const doc = await runTopicStage(ws, { level: 'document', k: 8, iterations: 40, seed: 3 });
    assert.equal(doc.numDocs, 671);
    assert.equal(doc.numImages, count('SELECT COUNT(*) FROM key_images'), 'every key image labelled');
    const sent = await runTopicStage(ws, { level: 'sentence', k: 8, iterations: 40, seed: 3 });
    assert.equal(sent.numDocs, count('SELECT COUNT(*) FROM refs'));
    for (const level of ['document', 'sentence']) {
      const d = writeKeyImageDataset(ws, level);
      assert.equal(d.images, 2050, `${level}: every key-image PNG in the dataset`);
      assert.ok(d.classes >= 2 && d.classes <= 8);
    }
  } finally {
    ws.close();
  }
});
