import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { needsExecutable, repoRoot, requirement } from '../../testing/requirements.js';
import { existsSync } from 'node:fs';
import { Workspace } from '../store/workspace.js';
import { generateArchive, type TruthRecord } from '../sample/generate.js';
import { ingestReports } from '../reports/ingest.js';
import { readImageHeader } from '../images/header.js';
import { listRejects } from '../store/rejects.js';
import { convertKeyImages } from '../images/convert.js';
import { DicomwebClient, parseMultipart } from './dicomweb.js';
import { ORTHANC_BINARY, DICOMWEB_PLUGIN, startOrthanc } from './orthanc.js';
import { pushToPacs } from './push.js';
import { fetchInstances, linkKeyImagesViaDicomweb, resolveReferencesViaDicomweb } from './link.js';
import { extractReferences } from '../refs/extract.js';

const skip = needsExecutable(ORTHANC_BINARY, 'apt-get install orthanc orthanc-dicomweb') ??
  requirement(existsSync(DICOMWEB_PLUGIN), `${DICOMWEB_PLUGIN} (apt-get install orthanc-dicomweb)`);

test('multipart/related bodies split into their parts', () => {
  const body = Buffer.from('--b1\r\nContent-Type: application/dicom\r\n\r\nAAA\r\n--b1\r\nContent-Type: application/dicom\r\n\r\nB\r\nB\r\n--b1--\r\n');
  const parts = parseMultipart(body, 'multipart/related; type="application/dicom"; boundary=b1');
  assert.deepEqual(parts.map((p) => Buffer.from(p).toString()), ['AAA', 'B\r\nB']);
});

test('a generated archive pushed to Orthanc: references resolve over DICOMweb and exactly the key images are fetched', { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-pacs-'));
  const pacs = await startOrthanc();
  const ws = Workspace.open(path.join(dir, 'ws'));
  try {
    // RLE Lossless files, as many archives hold: stored, queried and fetched as they are.
    const s = await generateArchive({ outDir: path.join(dir, 'archive'), studies: 8, seed: 13, size: 32, slices: 6, compression: 'rle' });
    const client = new DicomwebClient(pacs.dicomwebUrl, pacs.auth);
    // The server refuses requests without the password.
    assert.equal((await fetch(`${pacs.dicomwebUrl}/studies`)).status, 401);
    const pushed = await pushToPacs(path.join(dir, 'archive'), client, undefined, { batchSize: 40 });
    assert.equal(pushed.stored, s.files + s.keyObjects, "images and key object selection documents");
    assert.equal(pushed.failed, 0);
    assert.equal(pushed.skipped, 4, 'reports, truth and manifest are not DICOM');

    // Parse every report's references and resolve them on the PACS.
    const truth = readFileSync(s.truthJsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TruthRecord);
    const reports = readFileSync(s.reportsJsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { report_id: string; accession: string; text: string });
    const queries = reports.flatMap((r) => extractReferences(r.text).map((ref) => ({ reportId: r.report_id, accession: r.accession, series: ref.series, instances: ref.instances })));
    // One reference to an image that does not exist.
    const missing = { reportId: 'R-missing', accession: truth[0]?.accession ?? '', series: [truth[0]?.findings[0]?.series[0] ?? 2], instances: [999] };
    const { resolved, unresolved } = await resolveReferencesViaDicomweb(client, [...queries, missing]);
    // Expected: every ground-truth key image whose reference names its series, plus unnamed ones
    // that only one series of the study can satisfy.
    const expected = new Set<string>();
    // One entry per reference and image: two references of a report may name the same image number.
    const ambiguous: string[] = [];
    for (const t of truth) {
      for (const ref of t.references) {
        for (const k of ref.images) {
          const uid = (series: number): string | undefined => t.keyImages.find((x) => x.series === series && x.instance === k.instance)?.sopInstanceUid ?? undefined;
          if (k.series !== null) expected.add(uid(k.series) as string);
          else {
            const seriesWithIt = t.findings[0]?.series.length ?? 0;
            if (seriesWithIt === 1) expected.add(t.keyImages.find((x) => x.instance === k.instance)?.sopInstanceUid as string);
            else ambiguous.push(`${t.reportId}:${k.instance}`);
          }
        }
      }
    }
    assert.deepEqual(new Set(resolved.map((r) => r.sopInstanceUid)), expected);
    const missed = unresolved.find((u) => u.reportId === 'R-missing');
    assert.equal(missed?.code, 'no-instance');
    assert.match(missed?.reason ?? '', /no image 999 in series/);
    assert.equal(unresolved.filter((u) => u.code === 'ambiguous-series').length, ambiguous.length);
    assert.equal(unresolved.length, ambiguous.length + 1);

    // WADO-RS: fetch only the key images; they are the original instances.
    const fetched = await fetchInstances(client, resolved, path.join(dir, 'fetched'));
    assert.equal(fetched.length, expected.size);
    assert.deepEqual(new Set(readdirSync(path.join(dir, 'fetched')).map((f) => f.replace(/\.dcm$/, ''))), expected);
    for (const f of fetched) assert.ok(expected.has(readImageHeader(new Uint8Array(readFileSync(f))).sopInstanceUid));

    // The workspace path: key images from reports -> image table (source dicomweb) + links + rejects.
    await ingestReports(ws, s.reportsJsonl, { format: 'jsonl', idColumn: 'report_id', textColumns: ['text'], accessionColumn: 'accession', patientColumn: 'patient_id', modalityColumn: 'modality', dateColumn: 'exam_date', workers: 0 });
    const link = await linkKeyImagesViaDicomweb(ws, client);
    assert.equal(link.unresolved, ambiguous.length);
    // Key object selection documents: read for every accession; their images link to the reports that cite none.
    const withKos = truth.filter((t) => t.keyObject !== null);
    assert.ok(withKos.length > 0, 'the archive holds key object selection documents');
    assert.equal(link.keyObjects, withKos.length);
    const bookmarked = new Set(withKos.flatMap((t) => t.keyObject?.images.map((k) => k.sopInstanceUid as string) ?? []));
    assert.equal(link.flaggedKeyImages, bookmarked.size);
    const flagged = ws.db.prepare("SELECT sop_instance_uid FROM images WHERE is_key = 1 AND source = 'dicomweb'").pluck().all() as string[];
    assert.deepEqual(new Set(flagged), bookmarked);
    const silent = truth.filter((t) => t.references.length === 0 && t.keyObject !== null).flatMap((t) => t.keyObject?.images.map((k) => k.sopInstanceUid as string) ?? []);
    assert.equal(link.byKeyObject, silent.length);
    const byKos = ws.db.prepare("SELECT DISTINCT sop_instance_uid FROM links WHERE method = 'key-object'").pluck().all() as string[];
    assert.deepEqual(new Set(byKos), new Set(silent));
    const linkedSops = new Set((ws.db.prepare('SELECT DISTINCT sop_instance_uid FROM links').all() as { sop_instance_uid: string }[]).map((r) => r.sop_instance_uid));
    assert.deepEqual(linkedSops, new Set([...expected, ...silent]));
    const row = ws.db.prepare("SELECT source, location, accession, series_number, instance_number FROM images LIMIT 1").get() as Record<string, unknown>;
    assert.equal(row['source'], 'dicomweb');
    assert.ok(String(row['location']).startsWith(pacs.dicomwebUrl));
    assert.equal(listRejects(ws, 'pacs-link').length, ambiguous.length);
    // The CLI: `pacs push` with the password from the environment; re-pushing the same files is fine.
    const cli = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'pacs', 'push', s.dicomDir, '--url', pacs.dicomwebUrl, '--user', pacs.auth.user, '--json'],
      { encoding: 'utf8', env: { ...process.env, PACSMINE_PACS_PASSWORD: pacs.auth.password } });
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { stored: number }).stored, s.files + s.keyObjects);
    const wrong = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'pacs', 'push', s.dicomDir, '--url', pacs.dicomwebUrl, '--user', pacs.auth.user],
      { encoding: 'utf8', env: { ...process.env, PACSMINE_PACS_PASSWORD: 'wrong' } });
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stderr, /401/);
    // Key images convert straight from the PACS.
    const c = await convertKeyImages(ws, { client, size: 64 });
    assert.equal(c.converted, linkedSops.size);
  } finally {
    ws.close();
    await pacs.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
