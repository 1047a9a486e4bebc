import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import dcmjs from 'dcmjs';
import { Workspace } from '../store/workspace.js';
import { generateArchive, type TruthRecord } from '../sample/generate.js';
import { ingestReports } from '../reports/ingest.js';
import { linkKeyImages } from '../linking/link.js';
import { planStudy } from '../sample/plan.js';
import { imageDataset, writePart10 } from '../sample/dicom.js';
import { renderImage } from '../sample/phantom.js';
import { indexDicomFolder } from './indexer.js';
import { deidentifyPart10, mapUid, DEIDENTIFICATION_METHOD } from './deid.js';
import { exportKeyImages } from './export.js';
import { decodeImage } from './pixels.js';
import { pngChunkTypes } from './png.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'pacsmine-deid-'));

function sampleFile(instance: number): { bytes: Buffer; plan: ReturnType<typeof planStudy> } {
  const plan = planStudy(0, { seed: 21, size: 32, slices: 4, numPatients: 3 });
  const series = plan.series[0];
  assert.ok(series);
  const ds = imageDataset(plan, series, instance, renderImage(plan, series, instance));
  const bytes = writePart10({ ...ds, OperatorsName: 'Tech^Tom', InstitutionAddress: '1 Main St' });
  // A private block as vendors add them: (0009,0010) creator + (0009,1001) value.
  const file = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  file.dict['00090010'] = { vr: 'LO', Value: ['ACME 1.0'] };
  file.dict['00091001'] = { vr: 'LO', Value: ['PRIVATE-SECRET'] };
  return { bytes: Buffer.from(file.write()), plan };
}

test('basic profile: identifiers removed or emptied, UIDs replaced consistently, identity-removed flags set', async () => {
  const a = sampleFile(1);
  const b = sampleFile(2);
  const salt = 'test-salt';
  const da = deidentifyPart10(a.bytes, salt);
  const db = deidentifyPart10(b.bytes, salt);
  const ds = dicomParser.parseDicom(new Uint8Array(da.bytes));
  const orig = dicomParser.parseDicom(new Uint8Array(a.bytes));
  for (const tag of ['x00100010', 'x00100020', 'x00100030', 'x00080050', 'x00080020', 'x00080090']) {
    assert.ok(!ds.string(tag), `${tag} emptied`);
  }
  for (const tag of ['x00080080', 'x00080081', 'x00081070', 'x00101010', 'x00081030', 'x0008103e']) {
    assert.equal(ds.elements[tag], undefined, `${tag} removed`);
  }
  assert.equal(ds.string('x00120062'), 'YES');
  assert.equal(ds.string('x00120063'), DEIDENTIFICATION_METHOD);
  assert.ok(ds.elements['x00120064'], 'method code sequence');
  // UIDs: mapped, consistent across files of one study, never the original.
  const study = orig.string('x0020000d') as string;
  assert.equal(ds.string('x0020000d'), mapUid(study, salt));
  assert.equal(dicomParser.parseDicom(new Uint8Array(db.bytes)).string('x0020000d'), ds.string('x0020000d'));
  assert.notEqual(ds.string('x00080018'), orig.string('x00080018'));
  assert.equal(ds.string('x00020003'), ds.string('x00080018'), 'file meta follows the new SOP Instance UID');
  assert.notEqual(mapUid(study, 'other-salt'), mapUid(study, salt));
  // Nothing identifying is left anywhere in the bytes; pixels are untouched.
  const text = da.bytes.toString('latin1');
  assert.ok(a.bytes.toString('latin1').includes('PRIVATE-SECRET'));
  for (const id of [a.plan.patientName, a.plan.patientId, a.plan.accession, study, 'Tech^Tom', 'Pacsmine General Hospital', 'PRIVATE-SECRET', 'ACME']) {
    assert.equal(text.indexOf(id), -1, `${id} is gone`);
  }
  assert.deepEqual((await decodeImage(new Uint8Array(da.bytes))).values, (await decodeImage(new Uint8Array(a.bytes))).values);
});

test('export writes de-identified DICOM and PNG key images with no header identifiers', async () => {
  const dir = tmp();
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    const s = await generateArchive({ outDir: path.join(dir, 'archive'), studies: 4, seed: 8, size: 32, slices: 4 });
    indexDicomFolder(ws, s.dicomDir);
    await ingestReports(ws, s.reportsJsonl, { format: 'jsonl', idColumn: 'report_id', textColumns: ['text'], accessionColumn: 'accession', patientColumn: 'patient_id', modalityColumn: 'modality', dateColumn: 'exam_date', workers: 0 });
    assert.ok(linkKeyImages(ws).bySeriesInstance > 0);
    const out = path.join(dir, 'export');
    const e = await exportKeyImages(ws, { outDir: out, format: 'both', salt: 'x' });
    assert.ok(e.images > 0);
    assert.equal(e.dicom, e.images);
    assert.equal(e.png, e.images);
    assert.equal(e.rejected, 0);
    const truth = readFileSync(s.truthJsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TruthRecord);
    const identifiers = truth.flatMap((t) => [t.patientId, t.accession, t.studyUid]);
    const names = truth.map((t) => planStudy(Number(t.reportId.slice(1)) - 1, { seed: 8, size: 32, slices: 4, numPatients: 3 }).patientName);
    for (const f of readdirSync(out)) {
      const bytes = readFileSync(path.join(out, f));
      const text = bytes.toString('latin1');
      for (const id of [...identifiers, ...names]) assert.equal(text.indexOf(id), -1, `${f} holds no ${id}`);
      if (f.endsWith('.png')) for (const t of ['tEXt', 'zTXt', 'iTXt', 'eXIf']) assert.ok(!pngChunkTypes(bytes).includes(t));
      if (f.endsWith('.dcm')) assert.equal(dicomParser.parseDicom(new Uint8Array(bytes)).string('x00120062'), 'YES');
    }
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
