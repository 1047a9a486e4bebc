import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { needsSharedData, sharedDataDir } from '../../testing/requirements.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

function pacsmine(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'pacsmine-cli-'));
}

test('--help lists the verbs', () => {
  const r = pacsmine(['--help']);
  assert.equal(r.status, 0);
  for (const verb of ['init', 'demo', 'ingest', 'refs', 'link', 'stats', 'rejects']) assert.match(r.stdout, new RegExp(`\\b${verb}\\b`));
});

test('all 3,851 Indiana reports are ingested or listed as rejected with a reason', { skip: needsSharedData('iu-xray/indiana_reports.csv') }, () => {
  const ws = tempDir();
  try {
    const file = path.join(sharedDataDir, 'iu-xray', 'indiana_reports.csv');
    const r = pacsmine(['ingest', file, '--workspace', ws, '--format', 'csv', '--id-column', 'uid', '--text-columns', 'findings,impression', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { seen: number; ingested: number; rejected: number; rejectsByCode: Record<string, number> };
    assert.equal(s.seen, 3851);
    assert.equal(s.ingested + s.rejected, 3851);
    assert.ok(s.ingested > 3800, `only ${s.ingested} ingested`);
    const rejects = JSON.parse(pacsmine(['rejects', '--workspace', ws, '--json']).stdout) as Array<{ recordId: string; code: string; reason: string }>;
    assert.equal(rejects.length, s.rejected);
    for (const x of rejects) assert.ok(x.recordId && x.code && x.reason.length > 5, JSON.stringify(x));
    // A second run of the same file is up to date and changes nothing.
    const again = JSON.parse(pacsmine(['ingest', file, '--workspace', ws, '--format', 'csv', '--id-column', 'uid', '--text-columns', 'findings,impression', '--json']).stdout) as { upToDate: boolean; ingested: number };
    assert.equal(again.upToDate, true);
    assert.equal(again.ingested, s.ingested);
    const stats = JSON.parse(pacsmine(['stats', '--workspace', ws, '--json']).stdout) as { documents: number; words: number; vocabulary: number; topWords: Array<{ word: string }> };
    assert.equal(stats.documents, s.ingested);
    assert.ok(stats.words > 100_000 && stats.vocabulary > 1000);
    assert.ok(stats.topWords.some((w) => w.word === 'pleural' || w.word === 'effusion'), JSON.stringify(stats.topWords));
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('a bad CSV row is listed and the run goes on; exit codes say usage vs input errors', () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'r.csv');
    writeFileSync(file, 'id,text\n1,"Stable nodule (series 3 image 45)."\n2,"unterminated\n3,Normal chest.\n');
    const r = pacsmine(['ingest', file, '--workspace', path.join(dir, 'ws'), '--json']);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { seen: number; ingested: number; rejected: number; references: number };
    assert.equal(s.seen, s.ingested + s.rejected);
    assert.ok(s.ingested >= 1 && s.references >= 1);
    const missing = pacsmine(['ingest', path.join(dir, 'nope.csv'), '--workspace', path.join(dir, 'ws')]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /nope\.csv/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('demo generates a synthetic archive and runs every stage on it', () => {
  const ws = tempDir();
  try {
    const r = pacsmine(['demo', '--workspace', ws, '--studies', '12', '--size', '32', '--slices', '6', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as {
      archive: { studies: number; files: number; keyObjects: number; dicomDir: string }; ingest: { ingested: number; references: number; rejected: number };
      images: { indexed: number; keyObjects: number; flaggedKeyImages: number }; convert: { converted: number }; stats: { documents: number };
      link: { keyImages: number; bySeriesInstance: number; bySeriesDescription: number; byAccessionOnly: number; byKeyObject: number };
      linkTruth: { keyImages: number; linked: number; wrong: number };
      topics: Record<'document' | 'second' | 'sentence', { numImages: number; numTopics: number }>; topicTruth: { nmi: number; documents: number };
      dataset: { images: number; classes: number }; chain?: Record<string, { numTrain: number; testImages: number; top1: number; confusionSvg: string }>;
    };
    assert.equal(s.ingest.ingested, 12);
    assert.equal(s.ingest.rejected, 0);
    assert.ok(s.ingest.references >= 12, `references: ${s.ingest.references}`);
    assert.equal(s.images.indexed, s.archive.files);
    assert.ok(s.link.bySeriesInstance > 0 && s.link.bySeriesInstance <= s.link.keyImages);
    // Reports that cite no image reach their key images through the archive's key object selection documents.
    assert.equal(s.images.keyObjects, s.archive.keyObjects);
    assert.ok(s.link.byKeyObject <= s.images.flaggedKeyImages && s.link.byKeyObject === s.link.byAccessionOnly);
    assert.equal(s.linkTruth.wrong, 0, 'no link to an image the ground truth does not give the report');
    assert.ok(s.linkTruth.linked > 0 && s.linkTruth.linked <= s.linkTruth.keyImages);
    assert.ok(s.convert.converted > 0);
    assert.equal(s.stats.documents, 12);
    for (const level of ['document', 'second', 'sentence'] as const) {
      // Key images bookmarked for reports without references have their report's label, and no sentence of it.
      const keyImages = s.link.keyImages + (level === 'sentence' ? 0 : s.link.byAccessionOnly);
      assert.equal(s.topics[level].numImages, keyImages, `every key image has a ${level}-level label`);
      assert.ok(s.topics[level].numTopics >= 2);
    }
    assert.equal(s.topicTruth.documents, 12);
    assert.ok(s.topicTruth.nmi > 0 && s.topicTruth.nmi <= 1);
    assert.ok(s.dataset.images > 0 && s.dataset.images <= s.convert.converted);
    const doc = s.chain?.['document'];
    assert.ok(doc && doc.numTrain > 0 && doc.testImages > 0 && doc.top1 >= 0 && doc.top1 <= 1, 'the chain trained and tested the document level');
    assert.match(readFileSync(doc.confusionSvg, 'utf8'), /^<svg/);
    // What mining reads holds none of the identifiers the generator wrote into the reports.
    const db = new Database(path.join(ws, 'workspace.db'), { readonly: true });
    const rows = db.prepare('SELECT r.text, r.accession, r.patient_id AS patient, w.raw_text AS raw FROM reports r JOIN reports_raw w USING (report_id)').all() as Array<{ text: string; accession: string; patient: string; raw: string }>;
    db.close();
    assert.equal(rows.length, 12, 'every synthetic report carries identifiers');
    for (const r of rows) {
      assert.ok(!r.text.includes(r.accession) && !r.text.includes(r.patient), 'accession and patient id removed');
      assert.ok(!/\b\d{1,2}\/\d{1,2}\/\d{4}\b/.test(r.text), 'dates removed');
      const names = [...r.raw.matchAll(/PATIENT: ([A-Z]+), ([A-Z]+)|signed by: (?:Dr\. )?([A-Z][a-z]+) ([A-Z][a-z]+)/g)].flatMap((m) => m.slice(1).filter(Boolean));
      assert.ok(names.length >= 2, `names found in the raw report: ${names.length}`);
      for (const n of names) assert.ok(!new RegExp(`\\b${n}\\b`).test(r.text), `name '${n}' survived de-identification`);
    }
    // A second run finds the ingest up to date; the archive is made again because one of its files was damaged.
    const dicom = readdirSync(s.archive.dicomDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    const victim = dicom[0] as string;
    const size = statSync(victim).size;
    truncateSync(victim, 100);
    const again = JSON.parse(pacsmine(['demo', '--workspace', ws, '--studies', '12', '--size', '32', '--slices', '6', '--json']).stdout) as { ingest: { upToDate: boolean } };
    assert.equal(again.ingest.upToDate, true);
    assert.equal(statSync(victim).size, size, 'the truncated archive file was written again');
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});
