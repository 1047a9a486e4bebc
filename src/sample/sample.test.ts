import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { generateArchive, imagePath, type TruthRecord } from './generate.js';
import { planStudy } from './plan.js';
import { renderImage } from './phantom.js';
import { extractReferences } from '../refs/extract.js';
import { decodeImage } from '../images/pixels.js';
import { readImageHeader } from '../images/header.js';
import { readKeyObject } from '../images/key-object.js';
import { keyObjectPath } from './write-images.js';
import { killWorkerAfter } from '../../testing/kill-worker.js';
import { WorkerError } from '../util/errors.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'pacsmine-sample-'));
const readJsonl = <T>(file: string): T[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as T);

function digestTree(dir: string): string {
  const hash = createHash('sha256');
  const visit = (p: string): void => {
    for (const name of readdirSync(p).sort()) {
      const full = path.join(p, name);
      if (statSync(full).isDirectory()) visit(full);
      else hash.update(path.relative(dir, full)).update(readFileSync(full));
    }
  };
  visit(dir);
  return hash.digest('hex');
}

test('the generator is deterministic for a seed (whatever the number of workers), and another seed gives another archive', async () => {
  const a = tmp();
  const b = tmp();
  const c = tmp();
  try {
    const opts = { studies: 6, size: 32, slices: 6 };
    await generateArchive({ outDir: a, seed: 11, ...opts, workers: 0 });
    await generateArchive({ outDir: b, seed: 11, ...opts, workers: 2 });
    await generateArchive({ outDir: c, seed: 12, ...opts });
    assert.equal(digestTree(a), digestTree(b));
    assert.notEqual(digestTree(a), digestTree(c));
  } finally {
    for (const d of [a, b, c]) rmSync(d, { recursive: true, force: true });
  }
});

test('parsed report references point at the slices where the ground truth put the findings', async () => {
  const dir = tmp();
  try {
    const s = await generateArchive({ outDir: dir, studies: 400, seed: 5, size: 32, slices: 12, reportsOnly: true });
    const truth = readJsonl<TruthRecord>(s.truthJsonl);
    const reports = readJsonl<{ report_id: string; text: string }>(s.reportsJsonl);
    const forms = new Set<string>();
    let checked = 0;
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i] as TruthRecord;
      const parsed = extractReferences((reports[i] as { text: string }).text);
      assert.equal(parsed.length, t.references.length, `${t.reportId}: every written reference is found once`);
      const unused = new Set(parsed);
      const pairs = (p: (typeof parsed)[number]): string[] =>
        [...new Set((p.series.length ? p.series : [null]).flatMap((se) => p.instances.map((n) => `${se}:${n}`)))].sort();
      for (const ref of t.references) {
        forms.add(ref.form);
        const inner = ref.text.replace(/^\(e\.g\. /, '').replace(/\)$/, '');
        const want = [...new Set(ref.images.map((k) => `${k.series}:${k.instance}`))].sort();
        // The same text may stand twice ("#7" continuing two references): each written reference takes its own parse.
        const same = [...unused].filter((x) => x.text === ref.text || x.text === inner);
        const p = same.find((x) => x.seriesText === ref.seriesText && pairs(x).join() === want.join()) ?? same[0];
        assert.ok(p, `${t.reportId}: reference "${ref.text}" parsed`);
        unused.delete(p);
        assert.equal(p.seriesText, ref.seriesText, `${t.reportId}: the words naming the series of "${ref.text}"`);
        assert.deepEqual(pairs(p), want, `${t.reportId}: "${ref.text}"`);
        const finding = t.findings.find((f) => f.id === ref.finding);
        assert.ok(finding);
        for (const n of p.instances) assert.ok(finding.slices.includes(n), `${t.reportId}: image ${n} shows finding ${finding.id}`);
        for (const se of p.series) assert.ok(finding.series.includes(se));
        checked++;
      }
    }
    assert.ok(checked > 400, `checked ${checked} references`);
    // Every ground-truth keyword appears in its report (what keyword recall is scored against).
    for (let i = 0; i < truth.length; i++) {
      const lower = (reports[i] as { text: string }).text.toLowerCase();
      for (const k of (truth[i] as TruthRecord).keywords) assert.ok(lower.includes(k), `${(truth[i] as TruthRecord).reportId} mentions ${k}`);
    }
    for (const form of ['comma', 'eg', 'range', 'list', 'bare-range', 'and', 'slash', 'hash', 'abbrev', 'of', 'through',
      'named', 'named-range', 'named-im', 'named-hash', 'named-ambiguous', 'of-total', 'continued']) {
      assert.ok(forms.has(form), `form ${form} appears`);
    }
    // Reports that cite no image although their study has findings (their key images are bookmarked in a KOS).
    const silent = truth.filter((t) => t.findings.length > 0 && t.references.length === 0);
    assert.ok(silent.length > 0.05 * truth.length && silent.length < 0.25 * truth.length, `${silent.length} reports cite no image`);
    // Metastatic disease across regions is the most common category, as topic 77 in the paper.
    const byCategory = new Map<string, number>();
    for (const t of truth) byCategory.set(t.category, (byCategory.get(t.category) ?? 0) + 1);
    const top = [...byCategory.entries()].sort((x, y) => y[1] - x[1])[0];
    assert.equal(top?.[0], 'metastatic');
    assert.ok(new Set(truth.map((t) => t.modality)).size === 4, 'CT, MR, CR and DX all appear');
    const text = readFileSync(s.reportsCsv, 'utf8');
    for (const part of ['TECHNIQUE:', 'COMPARISON:', 'FINDINGS:', 'IMPRESSION:', 'Electronically signed by: Dr. ', '\n1. ']) assert.ok(text.includes(part), part);
    assert.match(text, /COMPARISON: .* dated \d\d\/\d\d\/\d{4}\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('key object selection documents bookmark the ground truth\'s key images; a report that cites none has one', async () => {
  const dir = tmp();
  try {
    const s = await generateArchive({ outDir: dir, studies: 40, seed: 8, size: 16, slices: 5, workers: 1 });
    const truth = readJsonl<TruthRecord>(s.truthJsonl);
    const withKos = truth.filter((t) => t.keyObject !== null);
    assert.equal(s.keyObjects, withKos.length);
    assert.ok(withKos.length >= 4, `${withKos.length} studies have a KOS`);
    for (const t of truth) {
      if (t.references.length === 0 && t.keyImages.length > 0) assert.ok(t.keyObject, `${t.reportId} cites no image: its key images are bookmarked`);
      if (t.keyObject === null) continue;
      const plan = planStudy(Number(t.reportId.slice(1)) - 1, { seed: 8, size: 16, slices: 5, numPatients: Math.ceil(40 * 0.6) });
      const doc = readKeyObject(new Uint8Array(readFileSync(path.join(s.dicomDir, keyObjectPath(plan)))));
      assert.equal(doc.sopInstanceUid, t.keyObject.sopInstanceUid);
      assert.equal(doc.accession, t.accession);
      assert.equal(doc.title, 'Of Interest');
      assert.deepEqual(doc.references.map((r) => r.sopInstanceUid), t.keyObject.images.map((k) => k.sopInstanceUid));
      // Every bookmarked image is a true key image of the study, and exists.
      for (const k of t.keyObject.images) {
        assert.ok(t.keyImages.some((x) => x.sopInstanceUid === k.sopInstanceUid));
        assert.ok(statSync(path.join(s.dicomDir, imagePath(plan, k.series, k.instance))).isFile());
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('findings are drawn on exactly the slices the ground truth lists', () => {
  let studies = 0;
  for (let i = 0; i < 40; i++) {
    const plan = planStudy(i, { seed: 3, size: 64, slices: 10, numPatients: 20 });
    for (const f of plan.findings) {
      const series = plan.series[0];
      assert.ok(series);
      for (let k = 1; k <= series.numInstances; k++) {
        const withF = renderImage(plan, series, k, true);
        const without = renderImage(plan, series, k, false);
        let differ = 0;
        for (let p = 0; p < withF.length; p++) if (Math.abs((withF[p] as number) - (without[p] as number)) > 1e-3) differ++;
        if (f.slices.includes(k)) assert.ok(differ > 0, `study ${i} finding ${f.id} (${f.type}) visible on slice ${k}`);
        else if (!plan.findings.some((g) => g.slices.includes(k))) assert.equal(differ, 0, `slice ${k} has no finding`);
      }
    }
    studies++;
  }
  assert.equal(studies, 40);
});

test('generated CT files carry Hounsfield units: air about -1000, soft tissue 0-100', async () => {
  const dir = tmp();
  try {
    const s = await generateArchive({ outDir: dir, studies: 30, seed: 9, size: 64, slices: 6 });
    const truth = readJsonl<TruthRecord>(s.truthJsonl);
    const ct = truth.find((t) => t.modality === 'CT');
    assert.ok(ct, 'an archive of 30 studies has a CT');
    const plan = planStudy(Number(ct.reportId.slice(1)) - 1, { seed: 9, size: 64, slices: 6, numPatients: 18 });
    const file = path.join(s.dicomDir, imagePath(plan, plan.series[0]?.seriesNumber ?? 0, 3));
    const bytes = new Uint8Array(readFileSync(file));
    const h = readImageHeader(bytes);
    assert.equal(h.accession, ct.accession);
    assert.equal(h.studyUid, ct.studyUid);
    assert.equal(h.instanceNumber, 3);
    assert.equal(h.rows, 64);
    const img = await decodeImage(bytes);
    assert.equal(img.values[0], -1000); // corner: air outside the body
    const centre = img.values[32 * 64 + 32] as number;
    assert.ok(centre > -200 && centre < 1200, `centre ${centre} is tissue or bone`);
    const sorted = Float32Array.from(img.values).sort();
    const median = sorted[Math.floor(sorted.length * 0.75)] as number;
    assert.ok(median > 0 && median < 100, `upper quartile ${median} HU is soft tissue`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an RLE Lossless archive holds the same pixels as the uncompressed one', async () => {
  const a = tmp();
  const b = tmp();
  try {
    const opts = { studies: 2, seed: 6, size: 32, slices: 3, workers: 1 };
    const plain = await generateArchive({ outDir: a, ...opts });
    const rle = await generateArchive({ outDir: b, ...opts, compression: 'rle' });
    assert.equal(rle.files, plain.files);
    const files = readdirSync(plain.dicomDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const e of files) {
      const rel = path.relative(plain.dicomDir, path.join(e.parentPath ?? e.path, e.name));
      const x = new Uint8Array(readFileSync(path.join(plain.dicomDir, rel)));
      const y = new Uint8Array(readFileSync(path.join(rle.dicomDir, rel)));
      if (rel.split(path.sep).includes('KO')) { // a key object selection document: no pixels, the same bytes
        assert.deepEqual(y, x, rel);
        continue;
      }
      assert.equal(readImageHeader(y).transferSyntax, '1.2.840.10008.1.2.5');
      assert.ok(y.length < x.length, `${rel} is smaller compressed`);
      assert.deepEqual((await decodeImage(y)).values, (await decodeImage(x)).values, rel);
    }
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('an image worker killed mid-run fails the generator with a WorkerError naming sample and the worker; nothing hangs', { timeout: 120_000 }, async () => {
  for (const [index, messages, when] of [[1, 2, 'after its first study'], [0, 0, 'before it is ready']] as const) {
    const restore = killWorkerAfter('sample', index, messages);
    const dir = tmp();
    try {
      await assert.rejects(generateArchive({ outDir: dir, studies: 12, seed: 3, size: 16, slices: 3, workers: 2 }), (e: unknown) =>
        e instanceof WorkerError && new RegExp(`^sample: worker ${index} of 2 exited unexpectedly`).test(e.message), `killed ${when}`);
    } finally {
      restore();
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('an image worker that throws mid-run fails the generator with its error, naming sample and the worker', { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const opts = { studies: 12, seed: 3, size: 16, slices: 3 };
    // A file where study 7's patient folder must go: writing that study fails (the earlier ones do not).
    const plan = planStudy(7, { seed: opts.seed, size: opts.size, slices: opts.slices, numPatients: Math.ceil(opts.studies * 0.6) });
    mkdirSync(path.join(dir, 'dicom'), { recursive: true });
    writeFileSync(path.join(dir, 'dicom', plan.patientId), 'in the way');
    await assert.rejects(generateArchive({ outDir: dir, ...opts, workers: 2 }), (e: unknown) =>
      e instanceof WorkerError && /^sample: worker [01] of 2 failed: (ENOTDIR|EEXIST)/.test(e.message) && e.cause instanceof Error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
