/**
 * One study job on its own (no Redis): its images come back in order as rows or rejects; an image
 * whose conversion throws makes an early attempt throw (so BullMQ retries the study) and on the last
 * attempt becomes a `job-failed` reject with its reason while the study's other images are kept;
 * a retry converts only what the failed attempt did not keep; images are grouped into studies once each.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateArchive } from '../sample/generate.js';
import { UnreachableError } from '../util/errors.js';
import type { DicomwebClient } from '../pacs/dicomweb.js';
import { convertStudy } from './convert-study.js';
import type { ConvertOutcome } from '../images/convert-one.js';
import { convertJobId, groupByStudy, type ConvertJob } from './jobs.js';

let dir = '';
let files: string[] = [];
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-study-job-'));
  const a = await generateArchive({ outDir: path.join(dir, 'archive'), studies: 1, seed: 3, size: 32, slices: 3 });
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  files = walk(a.dicomDir).filter((f) => f.endsWith('.dcm')).sort().slice(0, 3);
  assert.equal(files.length, 3);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const pacsDown = { retrieveInstance: async () => { throw new UnreachableError('PACS at https://pacs.example/dicom-web did not answer'); } } as unknown as DicomwebClient;

function study(): ConvertJob {
  const broken = path.join(dir, 'not-dicom.dcm');
  writeFileSync(broken, 'not a DICOM file');
  return {
    study: '1.2.3',
    images: [
      { sopInstanceUid: '1.2.3.1', location: files[0]!, source: 'file' },
      { sopInstanceUid: '1.2.3.2', location: broken, source: 'file' },
      { sopInstanceUid: '1.2.3.3', location: 'https://pacs.example/dicom-web/studies/1.2.3/series/1.2.3.9/instances/1.2.3.3', source: 'dicomweb' },
      { sopInstanceUid: '1.2.3.4', location: files[1]!, source: 'file' },
    ],
    outDir: path.join(dir, 'out'),
    options: { size: 64 },
  };
}

test('a study job whose PACS image throws: early attempts throw (retried), the last one rejects that image with its reason and keeps the rest', async () => {
  const job = study();
  await assert.rejects(convertStudy(job, { attempt: 1, attempts: 4, client: pacsDown }), /^Error: 1 of 4 images of the study failed: PACS at https:\/\/pacs\.example\/dicom-web did not answer$/);
  const { outcomes } = await convertStudy(job, { attempt: 4, attempts: 4, client: pacsDown });
  assert.deepEqual(outcomes.map((o) => (o.ok ? `ok ${path.basename(o.row.path)}` : `${o.code} ${o.recordId}`)), [
    'ok 1.2.3.1.png',
    `not-dicom ${job.images[1]!.location}`,
    `job-failed ${job.images[2]!.location}`,
    'ok 1.2.3.4.png',
  ]);
  const failed = outcomes[2]!;
  assert.ok(!failed.ok && /^failed after 4 attempts: PACS at https:\/\/pacs\.example\/dicom-web did not answer$/.test(failed.reason));
  // Run again (a retried or duplicated job): the same rows.
  const again = await convertStudy(job, { attempt: 4, attempts: 4, client: pacsDown });
  assert.deepEqual(again, { outcomes });
});

test('images group into one job per study, sorted, each SOP Instance UID once; the job id changes with what the job does', () => {
  const img = (uid: string, studyUid: string | null) => ({ sopInstanceUid: uid, location: `/a/${uid}.dcm`, source: 'file', studyUid });
  const groups = groupByStudy([img('1.9', 'S2'), img('1.1', 'S1'), img('1.5', 'S2'), img('1.1', 'S2'), img('1.7', null)]);
  assert.deepEqual(groups.map((g) => [g.study, g.images.map((i) => i.sopInstanceUid)]), [['S1', ['1.1']], ['S2', ['1.5', '1.9']], ['image:1.7', ['1.7']]]);
  assert.ok(groups.every((g) => g.images.every((i) => !('studyUid' in i))), 'the payload carries ids and paths only');
  const job = study();
  assert.equal(convertJobId(job), convertJobId(structuredClone(job)), 'the same work has the same job id');
  assert.notEqual(convertJobId(job), convertJobId({ ...job, options: { size: 128 } }));
  assert.notEqual(convertJobId(job), convertJobId({ ...job, images: job.images.slice(1) }));
});

test('a retried study converts only the images its failed attempt did not keep', async () => {
  const source = path.join(dir, 'copy.dcm');
  copyFileSync(files[2]!, source);
  const base = study();
  const job: ConvertJob = { ...base, images: [{ sopInstanceUid: '1.2.3.5', location: source, source: 'file' }, base.images[2]!] };
  let saved: Array<ConvertOutcome | null> = [];
  await assert.rejects(convertStudy(job, { attempt: 1, attempts: 2, client: pacsDown, save: async (o) => { saved = o; } }), /1 of 2 images of the study failed/);
  assert.equal(saved.length, 2);
  assert.ok(saved[0]?.ok, 'the converted image was kept');
  assert.equal(saved[1], null);
  // Gone now: a retry that read it again would reject it.
  rmSync(source);
  const { outcomes } = await convertStudy(job, { attempt: 2, attempts: 2, client: pacsDown, previous: saved });
  assert.deepEqual(outcomes[0], saved[0]);
  assert.ok(!outcomes[1]!.ok && outcomes[1]!.code === 'job-failed');
});
