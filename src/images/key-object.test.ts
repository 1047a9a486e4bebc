import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { needsExecutable } from '../../testing/requirements.js';
import { planStudy } from '../sample/plan.js';
import { imageDataset, instanceUid, writePart10 } from '../sample/dicom.js';
import { keyObjectDataset, type KeyObjectInput } from '../sample/key-object.js';
import { Workspace } from '../store/workspace.js';
import { listRejects } from '../store/rejects.js';
import { indexDicomFolder } from './indexer.js';
import { KEY_OBJECT_SELECTION_SOP_CLASS, readKeyObject } from './key-object.js';
import { listKeyObjectImages } from './key-object-store.js';

const DSRDUMP = '/usr/bin/dsrdump';

/** A small CT study: three images on disk, and a KOS that selects two of them and one that is not on disk. */
function study(dir: string): { kos: Uint8Array; images: string[]; selected: string[] } {
  const plan = planStudy(0, { seed: 4, size: 16, slices: 3, numPatients: 1 });
  const series = plan.series[0]!;
  const images: string[] = [];
  for (let k = 1; k <= 3; k++) {
    const ds = imageDataset(plan, series, k, new Float32Array(16 * 16));
    writeFileSync(path.join(dir, `I${k}.dcm`), writePart10(ds));
    images.push(instanceUid(plan, series, k));
  }
  const sopClassUid = '1.2.840.10008.5.1.4.1.1.2';
  const input: KeyObjectInput = {
    studyUid: plan.studyUid, accession: plan.accession, patientId: plan.patientId, patientName: plan.patientName,
    patientBirthDate: plan.birthDate, patientSex: plan.sex, studyDate: plan.studyDate, studyTime: plan.studyTime, studyId: '1',
    referringPhysician: 'DOE^JOHN', seriesNumber: 99, description: 'Hepatic lesion, seen on 03/04/2011.',
    images: [
      { sopClassUid, sopInstanceUid: images[0]!, seriesUid: series.seriesUid },
      { sopClassUid, sopInstanceUid: images[2]!, seriesUid: series.seriesUid },
      { sopClassUid, sopInstanceUid: '2.25.1234', seriesUid: series.seriesUid },
    ],
  };
  const kos = new Uint8Array(writePart10(keyObjectDataset(input)));
  return { kos, images, selected: [images[0]!, images[2]!, '2.25.1234'] };
}

test('a Key Object Selection document written with dcmjs is a valid KOS for dcmtk, and reads back: title, text, selected instances', { skip: needsExecutable(DSRDUMP, 'apt-get install dcmtk') }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-kos-'));
  try {
    const { kos, selected } = study(dir);
    const file = path.join(dir, 'KO.dcm');
    writeFileSync(file, kos);
    // dsrdump checks the document against the SR/KOS IOD and its content rules; it reports, line by
    // line, what it cannot accept. (It always says that it does not check template constraints.)
    const dump = spawnSync(DSRDUMP, ['-v', file], { encoding: 'utf8' });
    assert.equal(dump.status, 0, dump.stderr);
    const problems = dump.stderr.split('\n').filter((l) => l.trim() !== '' && !/template constraints not yet supported/.test(l));
    assert.deepEqual(problems, []);
    assert.match(dump.stdout, /Key Object Selection Document/);
    assert.match(dump.stdout, /Of Interest/);
    const doc = readKeyObject(kos);
    assert.equal(doc.title, 'Of Interest');
    assert.equal(doc.description, 'Hepatic lesion, seen on 03/04/2011.');
    assert.deepEqual(doc.references.map((r) => r.sopInstanceUid), selected);
    assert.ok(doc.references.every((r) => r.seriesUid !== undefined && r.studyUid !== undefined && r.sopClassUid === '1.2.840.10008.5.1.4.1.1.2'));
    assert.ok(doc.accession?.startsWith('A'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('images index reads KOS documents in a folder and flags the indexed instances they select, with the title and de-identified text', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-kos-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const dicom = path.join(dir, 'dicom');
    mkdirSync(dicom);
    const { kos, images } = study(dicom);
    writeFileSync(path.join(dicom, 'KO.dcm'), kos);
    // A document without pixels that is no KOS stays rejected as before.
    writeFileSync(path.join(dicom, 'SR.dcm'), writePart10({ SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.11', SOPInstanceUID: '2.25.99', Modality: 'SR' }));
    const s = indexDicomFolder(ws, dicom);
    assert.equal(s.scanned, 5);
    assert.equal(s.indexed, 3);
    assert.equal(s.keyObjects, 1);
    assert.equal(s.flaggedKeyImages, 2, 'the third instance it selects is not indexed');
    assert.deepEqual(s.rejectCodes, { 'no-pixel-data': 1 });
    assert.deepEqual(listRejects(ws, 'images-index').map((r) => path.basename(r.recordId)), ['SR.dcm']);
    const flagged = ws.db.prepare('SELECT sop_instance_uid FROM images WHERE is_key = 1 ORDER BY sop_instance_uid').pluck().all();
    assert.deepEqual(flagged, [images[0], images[2]].sort());
    const listed = listKeyObjectImages(ws);
    assert.equal(listed.length, 2);
    assert.ok(listed.every((l) => l.title === 'Of Interest' && l.description === 'Hepatic lesion, seen on [DATE].'));
    assert.equal(ws.db.prepare('SELECT source FROM key_objects').pluck().get(), 'file');
    // Indexing again replaces, it does not add.
    assert.equal(indexDicomFolder(ws, dicom).keyObjects, 1);
    assert.equal(ws.db.prepare('SELECT COUNT(*) FROM key_object_images').pluck().get(), 3);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a KOS that selects nothing is rejected with its reason', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-kos-'));
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    writeFileSync(path.join(dir, 'empty.dcm'), writePart10({ SOPClassUID: KEY_OBJECT_SELECTION_SOP_CLASS, SOPInstanceUID: '2.25.7', Modality: 'KO', ValueType: 'CONTAINER', ContentSequence: [] }));
    const s = indexDicomFolder(ws, path.join(dir, 'empty.dcm'));
    assert.equal(s.keyObjects, 0);
    assert.deepEqual(s.rejectCodes, { 'bad-key-object': 1 });
    assert.match(listRejects(ws, 'images-index')[0]?.reason ?? '', /selects no instance/);
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
