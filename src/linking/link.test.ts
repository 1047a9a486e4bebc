import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listRejects } from '../store/rejects.js';
import { Workspace } from '../store/workspace.js';
import { ingestItems } from '../reports/ingest.js';
import { linkKeyImages, listLinkedKeyImages } from './link.js';
import type { SourceItem } from '../ingest/source.js';

async function* items(list: SourceItem[]): AsyncGenerator<SourceItem> {
  for (const i of list) yield i;
}
const report = (id: string, accession: string, text: string): SourceItem => ({ ok: true, record: { recordId: id, accession, text, location: id } });

test('references resolve by accession+series+instance, by instance alone, or fall back to the accession', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-link-'));
  const ws = Workspace.open(dir);
  try {
    await ingestItems(ws, 'mem', items([
      report('r1', 'ACC1', 'FINDINGS: Mass (series 3 image 10-11). Node (images 20 and 99).'),
      report('r2', 'ACC2', 'FINDINGS: Lesion (series 4 image 7).'),
      report('r3', 'ACC3', 'FINDINGS: Flagged key images only, no reference written.'),
    ]), { workers: 0 });
    const img = ws.db.prepare('INSERT INTO images (sop_instance_uid, series_uid, accession, series_number, instance_number, location, source, is_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    img.run('1.1', 's3', 'ACC1', 3, 10, '/a/1.dcm', 'file', 0);
    img.run('1.2', 's3', 'ACC1', 3, 11, '/a/2.dcm', 'file', 0);
    img.run('1.3', 's3', 'ACC1', 3, 20, '/a/3.dcm', 'file', 0);
    img.run('2.1', 's4', 'ACC2', 4, 8, '/b/1.dcm', 'file', 0); // r2 asks for image 7: missing
    img.run('3.1', 's9', 'ACC3', 9, 1, '/c/1.dcm', 'file', 1);
    img.run('3.2', 's9', 'ACC3', 9, 2, '/c/2.dcm', 'file', 0);
    const s = linkKeyImages(ws);
    assert.deepEqual(s, { keyImages: 5, bySeriesInstance: 2, byInstanceOnly: 1, unresolved: 2, byAccessionOnly: 1 });
    const linked = listLinkedKeyImages(ws).map((l) => [l.reportId, l.sopInstanceUid, l.method]);
    assert.deepEqual(linked.sort(), [
      ['r1', '1.1', 'series-instance'], ['r1', '1.2', 'series-instance'], ['r1', '1.3', 'instance-only'], ['r3', '3.1', 'accession-only'],
    ]);
    const rejects = listRejects(ws, 'link');
    assert.deepEqual(rejects.map((r) => [r.recordId, r.code]).sort(), [['r1', 'AMBIGUOUS_OR_MISSING'], ['r2', 'IMAGE_NOT_FOUND']]);
    assert.match(rejects.find((r) => r.recordId === 'r2')?.reason ?? '', /series 4 image 7/);
    // Linking again gives the same result (it is recomputed, not appended).
    assert.deepEqual(linkKeyImages(ws), s);
    assert.equal(linkKeyImages(ws, { accessionFallback: false }).byAccessionOnly, 0);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
