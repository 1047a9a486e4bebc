import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import dcmjs from 'dcmjs';
import { Workspace } from '../store/workspace.js';
import { writePart10 } from '../sample/dicom.js';
import { indexDicomFolder } from './indexer.js';
import { convertKeyImages } from './convert.js';
import { exportKeyImages } from './export.js';
import { listRejects } from '../store/rejects.js';
import { uidFileName } from '../util/safe-path.js';

const N = 8;
(dcmjs.log as unknown as { setLevel(level: string): void }).setLevel('error'); // (its warning that it cuts the file meta's copy of a long UID)

/** A small grey image whose SOP Instance UID (and body part) are whatever the test says. */
function dicomWith(sopInstanceUid: string, bodyPart = 'CHEST'): Buffer {
  const pixels = Uint16Array.from({ length: N * N }, (_, i) => i * 40);
  return writePart10({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.7', SOPInstanceUID: sopInstanceUid, StudyInstanceUID: '2.25.43', SeriesInstanceUID: '2.25.44',
    Modality: 'OT', BodyPartExamined: bodyPart, Rows: N, Columns: N, SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 0, WindowCenter: 1280, WindowWidth: 2560,
    // dcmjs cuts UI values at 64 characters; a broken writer does not, so long ones are written as UT.
    PixelData: [pixels.buffer], _vrMap: { PixelData: 'OW', ...(sopInstanceUid.length > 64 ? { SOPInstanceUID: 'UT' } : {}) },
  });
}

/** SOP Instance UIDs a hostile or broken file could carry. */
const HOSTILE_UIDS = ['../../../escaped-by-uid', '/abs/path', `1.${'9'.repeat(300)}`, '..', '..\\..\\windows-style', 'a/b/c', '2.25.12345'];

test('images convert writes every PNG inside artifacts/key-images, named by uidFileName, whatever SOPInstanceUID the file carries', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-paths-'));
  const ws = Workspace.open(path.join(root, 'ws'));
  try {
    mkdirSync(path.join(root, 'archive'));
    HOSTILE_UIDS.forEach((uid, i) => writeFileSync(path.join(root, 'archive', `f${i}.dcm`), dicomWith(uid)));
    assert.equal(indexDicomFolder(ws, path.join(root, 'archive')).indexed, HOSTILE_UIDS.length);
    const outDir = path.join(ws.dir, 'artifacts', 'key-images');
    // Where `<outDir>/<uid>.png` (the naming before) would have written.
    const naive = HOSTILE_UIDS.map((uid) => path.join(outDir, `${uid}.png`));
    assert.ok(naive.some((p) => !p.startsWith(`${outDir}${path.sep}`)), 'the test has a UID that escapes with plain joining');

    const s = await convertKeyImages(ws, { all: true, size: 16 });
    assert.equal(s.rejected, 0, JSON.stringify(listRejects(ws, 'images-convert')));
    assert.equal(s.converted, HOSTILE_UIDS.length, 'the 300-character UID converts too (it used to fail with ENAMETOOLONG)');
    const entries = readdirSync(outDir, { withFileTypes: true });
    assert.ok(entries.every((e) => e.isFile()), 'no folders made from UIDs inside key-images');
    assert.deepEqual(new Set(entries.map((e) => e.name)), new Set(HOSTILE_UIDS.map((u) => uidFileName(u, '.png'))));
    assert.ok(entries.some((e) => e.name === '2.25.12345.png'), 'a well-formed UID keeps its readable name');
    for (const p of naive) if (!p.startsWith(`${outDir}${path.sep}`)) assert.ok(!existsSync(p), 'nothing written outside the workspace');
    assert.ok(!existsSync(path.join(root, 'escaped-by-uid.png')));
    // The DB path is the file written (downstream reads key_image_png.path).
    const rows = ws.db.prepare('SELECT sop_instance_uid, path FROM key_image_png').all() as { sop_instance_uid: string; path: string }[];
    assert.equal(rows.length, HOSTILE_UIDS.length);
    for (const r of rows) {
      assert.equal(r.path, path.join(outDir, uidFileName(r.sop_instance_uid, '.png')));
      assert.ok(existsSync(r.path));
    }
  } finally {
    ws.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('export keeps its files inside --out and quotes header values in key-images.csv, whatever the UIDs and body part hold', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-paths-'));
  const ws = Workspace.open(path.join(root, 'ws'));
  try {
    mkdirSync(path.join(root, 'archive'));
    HOSTILE_UIDS.forEach((uid, i) => writeFileSync(path.join(root, 'archive', `f${i}.dcm`), dicomWith(uid, i === 0 ? 'CHEST, "PA"\nLAT' : 'CHEST')));
    indexDicomFolder(ws, path.join(root, 'archive'));
    const addKey = ws.db.prepare("INSERT INTO key_images (report_id, origin, instance_number) VALUES ('R1', 'accession', ?)");
    const link = ws.db.prepare("INSERT INTO links (key_image_id, sop_instance_uid, method) VALUES (?, ?, 'test')");
    HOSTILE_UIDS.forEach((uid, i) => link.run(addKey.run(i + 1).lastInsertRowid, uid));
    const out = path.join(root, 'out');
    const s = await exportKeyImages(ws, { outDir: out, format: 'both', size: 16, salt: 'test-salt' });
    assert.equal(s.rejected, 0);
    assert.equal(s.dicom + s.png, 2 * HOSTILE_UIDS.length);
    const names = readdirSync(out, { withFileTypes: true });
    assert.ok(names.every((e) => e.isFile() && /^(2\.25\.\d+\.(dcm|png)|key-images\.csv)$/.test(e.name)), names.map((e) => e.name).join(' '));
    const csv = parse(readFileSync(s.manifest, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(csv.length, 2 * HOSTILE_UIDS.length);
    assert.equal(csv.filter((r) => r['body_part'] === 'CHEST, "PA"\nLAT').length, 2, 'a body part with a comma, quotes and a line break stays one field');
  } finally {
    ws.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('images index refuses a DICOMDIR entry that points outside the DICOMDIR\'s folder, and lists it in rejects', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-paths-'));
  const ws = Workspace.open(path.join(root, 'ws'));
  try {
    mkdirSync(path.join(root, 'archive'));
    mkdirSync(path.join(root, 'outside'));
    writeFileSync(path.join(root, 'outside', 'X.dcm'), dicomWith('2.25.777'));
    writeFileSync(path.join(root, 'archive', 'IN.dcm'), dicomWith('2.25.778'));
    writeFileSync(path.join(root, 'archive', 'DICOMDIR'), writePart10({
      SOPClassUID: '1.2.840.10008.1.3.10', SOPInstanceUID: '2.25.779',
      DirectoryRecordSequence: [{ DirectoryRecordType: 'IMAGE', ReferencedFileID: ['..', 'outside', 'X.dcm'] }, { DirectoryRecordType: 'IMAGE', ReferencedFileID: ['IN.dcm'] }],
    }));
    const s = indexDicomFolder(ws, path.join(root, 'archive'));
    assert.equal(s.indexed, 1, 'only the file inside the folder');
    assert.equal(ws.db.prepare("SELECT COUNT(*) FROM images WHERE sop_instance_uid = '2.25.777'").pluck().get(), 0);
    const r = listRejects(ws, 'images-index').filter((x) => x.code === 'outside-folder');
    assert.equal(r.length, 1);
    assert.ok(!r[0]?.reason.includes('outside/X.dcm'), 'the reason does not repeat the listed path');
  } finally {
    ws.close();
    rmSync(root, { recursive: true, force: true });
  }
});
