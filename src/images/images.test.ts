import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Workspace } from '../store/workspace.js';
import { needsSharedData, requirement, sharedDataDir, repoRoot } from '../../testing/requirements.js';
import { indexDicomFolder } from './indexer.js';
import { listRejects } from '../store/rejects.js';
import { decodeImage } from './pixels.js';
import { convertToPng, pngChunkTypes, renderKeyImage } from './png.js';
import { convertKeyImages } from './convert.js';
import { generateArchive } from '../sample/generate.js';
import { ingestReports } from '../reports/ingest.js';
import { linkKeyImages } from '../linking/link.js';
import { planStudy, type SeriesPlan } from '../sample/plan.js';
import { renderImage } from '../sample/phantom.js';
import { imageDataset, writePart10 } from '../sample/dicom.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'pacsmine-images-'));
const TCIA = 'ct-tcia/dicom_dir';

test('all 100 real TCIA CT slices index (95 instances, 5 duplicates reported) and convert to 256x256 PNG', { skip: needsSharedData(TCIA) }, async () => {
  const dir = path.join(sharedDataDir, TCIA);
  const wsDir = tmp();
  const ws = Workspace.open(wsDir);
  try {
    const s = indexDicomFolder(ws, dir);
    assert.equal(s.scanned, 100);
    assert.equal(s.indexed, 95);
    assert.equal(s.duplicates, 5);
    assert.equal(s.rejected, 0);
    const dups = listRejects(ws, 'images-index');
    assert.equal(dups.length, 5);
    for (const d of dups) {
      assert.equal(d.code, 'duplicate');
      assert.ok(d.recordId.startsWith(dir) && d.reason.includes('same SOP Instance UID'), 'names the file and the reason');
    }
    const row = ws.db.prepare("SELECT modality, rows, columns, study_uid, series_uid, patient_id, source FROM images LIMIT 1").get() as Record<string, unknown>;
    assert.deepEqual([row['modality'], row['rows'], row['columns'], row['source']], ['CT', 512, 512, 'file']);
    assert.ok(row['study_uid'] && row['series_uid'] && row['patient_id']);
    let converted = 0;
    for (const f of readdirSync(dir)) {
      const r = await convertToPng(path.join(dir, f), path.join(wsDir, 'png', `${f}.png`));
      const meta = await sharp(r.png).metadata();
      assert.deepEqual([meta.width, meta.height, meta.channels], [256, 256, 1]);
      converted++;
    }
    assert.equal(converted, 100);
  } finally {
    ws.close();
    rmSync(wsDir, { recursive: true, force: true });
  }
});

test('real CT in Hounsfield units: air reads about -1000 and soft tissue 0-100', { skip: needsSharedData(TCIA) }, async () => {
  const dir = path.join(sharedDataDir, TCIA);
  const soft = new Int32Array(32); // pooled histogram of [-20, 300) HU, 10 HU bins
  let softInRange = 0;
  const files = readdirSync(dir);
  for (const f of files) {
    const img = await decodeImage(new Uint8Array(readFileSync(path.join(dir, f))));
    // Air: the 1st percentile of real samples (padding outside the scan circle, -2048 or -3024, excluded).
    // (A 10 HU histogram of -1500..3000 instead of sorting 262,144 values per slice.)
    const hist = new Int32Array(450);
    let n = 0;
    for (const v of img.values) {
      if (v <= -1500) continue;
      hist[Math.min(449, Math.floor((v + 1500) / 10))]++;
      n++;
    }
    let bin = 0;
    for (let cum = 0; bin < 450 && (cum += hist[bin] as number) < n * 0.01; bin++);
    const air = -1500 + bin * 10 + 5;
    assert.ok(air > -1100 && air < -900, `${f}: air at ${air} HU`);
    const own = new Int32Array(32);
    for (const v of img.values) {
      if (v >= -20 && v < 300) {
        own[Math.floor((v + 20) / 10)]++;
        soft[Math.floor((v + 20) / 10)]++;
      }
    }
    const mode = -20 + own.indexOf(Math.max(...own)) * 10 + 5;
    if (mode >= 0 && mode <= 100) softInRange++;
  }
  const pooled = -20 + soft.indexOf(Math.max(...soft)) * 10 + 5;
  assert.ok(pooled >= 0 && pooled <= 100, `soft tissue peak at ${pooled} HU`);
  assert.ok(softInRange >= 90, `${softInRange} of 100 slices have their soft-tissue peak in 0-100 HU`);
});

test('pydicom samples and the DICOMDIR set index with their series and instance numbers', { skip: needsSharedData('dicom-samples/dicomdirtests/DICOMDIR') }, () => {
  const dir = path.join(sharedDataDir, 'dicom-samples');
  const wsDir = tmp();
  const ws = Workspace.open(wsDir);
  try {
    const s = indexDicomFolder(ws, dir);
    assert.ok(s.indexed >= 30, `indexed ${s.indexed}`);
    const at = (rel: string): { series_number: number; instance_number: number; modality: string } =>
      ws.db.prepare('SELECT series_number, instance_number, modality FROM images WHERE location = ?').get(path.join(dir, rel)) as { series_number: number; instance_number: number; modality: string };
    assert.deepEqual({ ...at('CT_small.dcm') }, { series_number: 1, instance_number: 1, modality: 'CT' });
    assert.deepEqual({ ...at('MR_small.dcm') }, { series_number: 1, instance_number: 1, modality: 'MR' });
    // The hierarchy pydicom's README lists for dicomdirtests.
    assert.deepEqual({ ...at('dicomdirtests/77654033/CR3/6278') }, { series_number: 3, instance_number: 1, modality: 'CR' });
    const ct2 = ws.db.prepare("SELECT instance_number FROM images WHERE location LIKE ? ORDER BY instance_number").all(`${dir}/dicomdirtests/77654033/CT2/%`) as { instance_number: number }[];
    assert.deepEqual(ct2.map((r) => r.instance_number), [18, 180, 181, 182]);
    const mr700 = ws.db.prepare('SELECT instance_number FROM images WHERE series_number = 700 ORDER BY instance_number').all() as { instance_number: number }[];
    assert.deepEqual(mr700.map((r) => r.instance_number), [1, 2, 3, 4, 5, 6, 7]);
    // Structured reports and other non-images are reported, not indexed, and nothing stops.
    const rejects = listRejects(ws, 'images-index');
    assert.ok(rejects.some((r) => r.recordId.endsWith('test-SR.dcm') && r.code === 'no-pixel-data'));
    assert.ok(rejects.some((r) => r.recordId.endsWith('README.txt') && r.code === 'not-dicom'));

    // A DICOMDIR given directly indexes the files it lists.
    const ws2 = Workspace.open(path.join(wsDir, 'second'));
    try {
      const d = indexDicomFolder(ws2, path.join(dir, 'dicomdirtests', 'DICOMDIR'));
      assert.equal(d.dicomdirs, 1);
      assert.ok(d.indexed >= 31, `the DICOMDIR lists ${d.indexed} indexable images`);
      const r = ws2.db.prepare('SELECT count(*) AS n FROM images WHERE series_number = 5 AND instance_number BETWEEN 6 AND 10').get() as { n: number };
      assert.equal(r.n, 5);
    } finally {
      ws2.close();
    }
  } finally {
    ws.close();
    rmSync(wsDir, { recursive: true, force: true });
  }
});

test('bad input is rejected with the file and the reason, and nothing else stops', async () => {
  const dir = tmp();
  const wsDir = tmp();
  const ws = Workspace.open(wsDir);
  try {
    const s = await generateArchive({ outDir: path.join(dir, 'archive'), studies: 2, seed: 4, size: 32, slices: 3 });
    // The images (a study's key object selection document, under KO/, is no image).
    const good = readdirSync(s.dicomDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath ?? e.path, e.name)).filter((f) => !f.split(path.sep).includes('KO'));
    assert.equal(good.length, s.files);
    const bytes = readFileSync(good[0] as string);
    const bad = path.join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(path.join(bad, 'truncated.dcm'), bytes.subarray(0, bytes.length - 700));
    writeFileSync(path.join(bad, 'notes.txt'), 'not a DICOM file\n');
    // Missing pixel data: cut the file where Pixel Data (7FE0,0010) starts.
    const pixelTag = Buffer.from([0xe0, 0x7f, 0x10, 0x00]);
    writeFileSync(path.join(bad, 'nopixels.dcm'), bytes.subarray(0, bytes.lastIndexOf(pixelTag)));
    // Unsupported transfer syntax: the same image declared as MPEG2 video.
    const plan = planStudy(0, { seed: 4, size: 32, slices: 3, numPatients: 2 });
    const series = plan.series[0] as SeriesPlan;
    const ds = imageDataset(plan, series, 1, renderImage(plan, series, 1));
    writeFileSync(path.join(bad, 'mpeg.dcm'), writePart10({ ...ds, SOPInstanceUID: '2.25.1' }, '1.2.840.10008.1.2.4.100'));
    // A large file (header read from its first 64 KB only) cut inside its Pixel Data.
    const bigPlan = planStudy(0, { seed: 4, size: 256, slices: 3, numPatients: 2 });
    const bigSeries = bigPlan.series[0] as SeriesPlan;
    const big = writePart10(imageDataset(bigPlan, bigSeries, 1, renderImage(bigPlan, bigSeries, 1)));
    assert.ok(big.length > 100_000);
    writeFileSync(path.join(bad, 'truncated-large.dcm'), big.subarray(0, 90_000));
    const sum = indexDicomFolder(ws, bad);
    assert.equal(sum.indexed, 0);
    assert.equal(sum.rejected, 5);
    assert.equal(indexDicomFolder(ws, s.dicomDir).indexed, good.length);
    const byFile = new Map(listRejects(ws, 'images-index').map((r) => [path.basename(r.recordId), r]));
    assert.equal(byFile.get('truncated.dcm')?.code, 'truncated');
    assert.equal(byFile.get('truncated-large.dcm')?.code, 'truncated');
    assert.equal(byFile.get('notes.txt')?.code, 'not-dicom');
    assert.equal(byFile.get('nopixels.dcm')?.code, 'no-pixel-data');
    assert.equal(byFile.get('mpeg.dcm')?.code, 'unsupported-transfer-syntax');
    for (const r of byFile.values()) assert.ok(r.reason.length > 10 && r.source === path.resolve(bad));

    // Key images: convert the linked ones; a file that vanished is rejected with its path.
    await ingestReports(ws, s.reportsJsonl, { format: 'jsonl', idColumn: 'report_id', textColumns: ['text'], accessionColumn: 'accession', patientColumn: 'patient_id', modalityColumn: 'modality', dateColumn: 'exam_date', workers: 0 });
    const link = linkKeyImages(ws);
    assert.ok(link.bySeriesInstance + link.bySeriesDescription + link.byInstanceOnly > 0);
    const first = ws.db.prepare('SELECT i.location FROM links l JOIN images i USING (sop_instance_uid) LIMIT 1').get() as { location: string };
    unlinkSync(first.location);
    const c = await convertKeyImages(ws);
    assert.equal(c.rejected, 1);
    assert.equal(c.converted, c.images - 1);
    const rej = listRejects(ws, 'images-convert');
    assert.equal(rej[0]?.recordId, first.location);
    const pngs = ws.db.prepare('SELECT path FROM key_image_png').all() as { path: string }[];
    assert.equal(pngs.length, c.converted);
    for (const p of pngs) assert.ok(existsSync(p.path));
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(wsDir, { recursive: true, force: true });
  }
});

test('PNG exports hold pixels only: no text chunks, 256x256 grey', async () => {
  const dir = tmp();
  try {
    const s = await generateArchive({ outDir: dir, studies: 1, seed: 2, size: 64, slices: 2 });
    const file = readdirSync(s.dicomDir, { recursive: true, withFileTypes: true }).find((e) => e.isFile());
    assert.ok(file);
    const r = await renderKeyImage(path.join(file.parentPath ?? file.path, file.name));
    const chunks = pngChunkTypes(r.png);
    for (const t of ['tEXt', 'zTXt', 'iTXt', 'eXIf']) assert.ok(!chunks.includes(t), `no ${t} chunk`);
    const truth = JSON.parse(readFileSync(s.truthJsonl, 'utf8').split('\n')[0] as string) as { patientId: string; accession: string };
    for (const id of [truth.patientId, truth.accession]) assert.equal(r.png.indexOf(Buffer.from(id)), -1);
    const meta = await sharp(r.png).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels], [256, 256, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const jpegLosslessData = path.join(repoRoot, 'node_modules', 'jpeg-lossless-decoder-js', 'tests', 'data');

test('JPEG lossless (process 14, selection values 1-7) decodes to the same pixels', { skip: requirement(existsSync(jpegLosslessData), 'jpeg-lossless-decoder-js test files in node_modules') }, async () => {
  const reference = await decodeImage(new Uint8Array(readFileSync(path.join(jpegLosslessData, 'jpeg_lossless_sel1.dcm'))));
  assert.equal(reference.rows, 256);
  for (let sel = 2; sel <= 7; sel++) {
    const img = await decodeImage(new Uint8Array(readFileSync(path.join(jpegLosslessData, `jpeg_lossless_sel${sel}.dcm`))));
    assert.deepEqual(img.values, reference.values, `selection value ${sel}`);
  }
});
