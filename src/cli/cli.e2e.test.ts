import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsSharedData, sharedDataDir } from '../testing/requirements.js';

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

test('demo runs the pipeline on built-in synthetic reports and finds their references', () => {
  const ws = tempDir();
  try {
    const r = pacsmine(['demo', '--workspace', ws, '--reports', '120', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { ingest: { ingested: number; references: number; rejected: number }; stats: { documents: number } };
    assert.equal(s.ingest.ingested, 120);
    assert.equal(s.ingest.rejected, 0);
    assert.ok(s.ingest.references > 100);
    assert.equal(s.stats.documents, 120);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});
