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
    assert.deepEqual(s, { keyImages: 5, bySeriesInstance: 2, byInstanceOnly: 1, bySeriesDescription: 0, unresolved: 2, byAccessionOnly: 1, byKeyObject: 0 });
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
    // A Key Object Selection document flags 3.2 (indexed before or after it: the link reads both).
    ws.db.prepare("INSERT INTO key_objects (sop_instance_uid, accession, title, location, source) VALUES ('k1', 'ACC3', 'Of Interest', '/c/k.dcm', 'file')").run();
    ws.db.prepare("INSERT INTO key_object_images (key_object_uid, sop_instance_uid) VALUES ('k1', '3.2')").run();
    const k = linkKeyImages(ws);
    assert.equal(k.byAccessionOnly, 2);
    assert.equal(k.byKeyObject, 1);
    assert.deepEqual(listLinkedKeyImages(ws).filter((l) => l.reportId === 'r3').map((l) => [l.sopInstanceUid, l.method]),
      [['3.1', 'accession-only'], ['3.2', 'key-object']]);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('references that name their series by plane and sequence link when exactly one series of the study fits', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-link-'));
  const ws = Workspace.open(dir);
  try {
    await ingestItems(ws, 'mem', items([
      report('m1', 'MR1', 'FINDINGS: Cyst (coronal T2 image 2). Enhancing focus (axial T1 post-contrast image 3). Edema (sagittal STIR #1).'),
      report('m2', 'MR1', 'FINDINGS: Lesion (axial T1 image 2), (T1 pre-contrast image 9).'),
      report('m3', 'MR2', 'FINDINGS: Lesion (coronal T2 image 1).'), // MR2 has no series attributes indexed: instance-only rule
    ]), { workers: 0 });
    const series = ws.db.prepare(`INSERT INTO image_series (series_uid, accession, series_number, modality, description, plane, scanning_sequence,
      repetition_time, echo_time, inversion_time, contrast_agent) VALUES (?, 'MR1', ?, 'MR', ?, ?, ?, ?, ?, ?, ?)`);
    // Words, orientation, TR/TE and the contrast agent each tell one series from another.
    series.run('s1', 1, 'AX T1', 'axial', 'SE', 500, 12, null, null);
    series.run('s2', 2, 'AX T1 POST', 'axial', 'SE', 500, 12, null, 'GADOLINIUM');
    series.run('s3', 3, 'COR FSE', 'coronal', 'SE', 4000, 90, null, null); // T2 from TR/TE alone
    series.run('s4', 4, 'AX T2', 'axial', 'SE', 4000, 90, null, null);
    series.run('s5', 5, 'SAG IR', 'sagittal', 'IR', 4000, 60, 150, null); // STIR from the inversion time
    const img = ws.db.prepare("INSERT INTO images (sop_instance_uid, series_uid, accession, series_number, instance_number, location, source) VALUES (?, ?, ?, ?, ?, 'x', 'file')");
    for (const [uid, n] of [['s1', 1], ['s2', 2], ['s3', 3], ['s4', 4], ['s5', 5]] as const) for (let i = 1; i <= 3; i++) img.run(`${uid}.${i}`, uid, 'MR1', n, i);
    img.run('t.1', 't1', 'MR2', 7, 1);
    img.run('t.2', 't2', 'MR2', 8, 2);
    const s = linkKeyImages(ws);
    assert.equal(s.keyImages, 6);
    assert.equal(s.bySeriesDescription, 3);
    assert.equal(s.byInstanceOnly, 1);
    assert.equal(s.unresolved, 2);
    const linked = listLinkedKeyImages(ws).map((l) => [l.reportId, l.sopInstanceUid, l.method]);
    assert.deepEqual(linked.sort(), [
      ['m1', 's2.3', 'series-description'], ['m1', 's3.2', 'series-description'], ['m1', 's5.1', 'series-description'], ['m3', 't.1', 'instance-only'],
    ]);
    const rejects = listRejects(ws, 'link').filter((r) => r.recordId === 'm2');
    assert.deepEqual(rejects.map((r) => r.code).sort(), ['AMBIGUOUS_SERIES', 'IMAGE_NOT_FOUND']);
    // "axial T1" fits the pre- and the post-contrast T1: both are listed, and neither is guessed.
    assert.match(rejects.find((r) => r.code === 'AMBIGUOUS_SERIES')?.reason ?? '', /'axial T1'.*2 series fit \(candidates: series 1, 2\)/);
    assert.match(rejects.find((r) => r.code === 'IMAGE_NOT_FOUND')?.reason ?? '', /series 1 fits but holds no image 9/);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
