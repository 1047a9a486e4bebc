/**
 * `npm run bench -- dicom`: on a generated archive of about 10,000 DICOM files, headers indexed
 * per second (`images index`: dicom-parser, SQLite) and key images converted per second (decode,
 * window, 256x256 PNG with sharp). Anchor: a full dcmjs parse of the same files, what a naive
 * indexer built on the writer's library would do. Flags: --files N (default 10000), --size PX (128).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { generateArchive } from '../src/sample/generate.js';
import { planStudy } from '../src/sample/plan.js';
import { Workspace } from '../src/store/workspace.js';
import { indexDicomFolder } from '../src/images/indexer.js';
import { convertKeyImages } from '../src/images/convert.js';
import { finish, peakRssMb } from './lib/report.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const targetFiles = arg('files', 10_000);
const size = arg('size', 128);
const slices = 20;
const seed = 1;

// Enough studies for the target number of files (plans are cheap: no pixels).
let studies = 0;
let planned = 0;
while (planned < targetFiles) {
  const p = planStudy(studies, { seed, size, slices, numPatients: Math.ceil(targetFiles / 40) });
  planned += p.series.reduce((a, s) => a + s.numInstances, 0);
  studies++;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-bench-dicom-'));
try {
  let t = performance.now();
  const archive = await generateArchive({ outDir: path.join(dir, 'archive'), studies, seed, size, slices, patients: Math.ceil(targetFiles / 40) });
  const generateS = (performance.now() - t) / 1000;
  process.stdout.write(`generated ${archive.files} files (${studies} studies, ${size}x${size}) in ${generateS.toFixed(1)} s\n`);

  const ws = Workspace.open(path.join(dir, 'ws'));
  t = performance.now();
  const idx = indexDicomFolder(ws, archive.dicomDir);
  const indexS = (performance.now() - t) / 1000;
  const headersPerS = idx.indexed / indexS;
  process.stdout.write(`indexed ${idx.indexed} headers in ${indexS.toFixed(2)} s: ${headersPerS.toFixed(0)} headers/s\n`);

  t = performance.now();
  const conv = await convertKeyImages(ws, { all: true, size: 256 });
  const convertS = (performance.now() - t) / 1000;
  const imagesPerS = conv.converted / convertS;
  process.stdout.write(`converted ${conv.converted} images to 256x256 PNG in ${convertS.toFixed(1)} s: ${imagesPerS.toFixed(0)} images/s\n`);
  ws.close();

  // Anchor: dcmjs's full parse (it reads every element, pixel data included) of a sample of the files.
  dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');
  const files = (Workspace.open(path.join(dir, 'ws')).db.prepare('SELECT location FROM images ORDER BY rowid LIMIT 2000').all() as { location: string }[]).map((r) => r.location);
  t = performance.now();
  for (const f of files) {
    const b = readFileSync(f);
    const d = dcmjs.data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.dict);
  }
  const anchorPerS = files.length / ((performance.now() - t) / 1000);
  process.stdout.write(`anchor: dcmjs full parse ${anchorPerS.toFixed(0)} files/s (${files.length} files)\n`);
  process.stdout.write(`peak RSS ${peakRssMb()} MiB; 2 shared cores: timings are noisy\n`);
  finish({
    bench: 'dicom', files: idx.indexed, headers_per_s: Math.round(headersPerS), images_per_s: Math.round(imagesPerS),
    generate_files_per_s: Math.round(archive.files / generateS), anchor: 'dcmjs-readFile', anchor_headers_per_s: Math.round(anchorPerS),
    ratio: Math.round((headersPerS / anchorPerS) * 100) / 100, peak_rss_mb: peakRssMb(),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
