/**
 * A new user's first steps, through the real CLI: `pacsmine sample` then `pacsmine ingest` with no
 * column flags must ingest every report, from the JSONL and from the CSV. And the ingest's --json
 * digest: equal for two runs of the same input; and a run killed with SIGKILL mid-way continues
 * from its last committed batch when run again, ending with the rows of an uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Rng } from '../util/rng.js';
import { syntheticReport, writeGenerated } from '../../testing/report-exports.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

function pacsmine(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Summary { seen: number; ingested: number; rejected: number; references: number; digest: string }

function ingestJson(args: string[]): Summary {
  const r = pacsmine(['ingest', ...args, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Summary;
}

test('sample then ingest with no flags ingests every report, from the JSONL and from the CSV', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-sample-ingest-'));
  try {
    const arch = path.join(dir, 'arch');
    const s = pacsmine(['sample', '--out', arch, '--studies', '15', '--reports-only', '--json']);
    assert.equal(s.status, 0, s.stderr);
    const lines = readFileSync(path.join(arch, 'reports.jsonl'), 'utf8').split('\n').filter(Boolean);
    assert.ok(lines.length >= 15);
    const jsonl = ingestJson([path.join(arch, 'reports.jsonl'), '-w', path.join(dir, 'ws-jsonl')]);
    const csv = ingestJson([path.join(arch, 'reports.csv'), '-w', path.join(dir, 'ws-csv')]);
    for (const r of [jsonl, csv]) {
      assert.equal(r.seen, lines.length);
      assert.equal(r.ingested, lines.length);
      assert.equal(r.rejected, 0);
      assert.ok(r.references > 0);
      assert.match(r.digest, /^[0-9a-f]{64}$/);
    }
    // The two files hold the same reports, with their metadata read from the default column names.
    assert.equal(csv.digest, jsonl.digest);
    const db = new Database(path.join(dir, 'ws-csv', 'workspace.db'), { readonly: true });
    try {
      const withMeta = db.prepare('SELECT COUNT(*) FROM reports WHERE accession IS NOT NULL AND patient_id IS NOT NULL AND modality IS NOT NULL AND exam_date IS NOT NULL').pluck().get();
      assert.equal(withMeta, lines.length);
    } finally {
      db.close();
    }
    // Two runs of the same input give the same digest.
    const again = ingestJson([path.join(arch, 'reports.jsonl'), '-w', path.join(dir, 'ws-jsonl'), '--force']);
    assert.equal(again.digest, jsonl.digest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface ResumeSummary extends Summary { keyImages: number; phiReplaced: number; rejectsByCode: Record<string, number>; resumedFrom: number }

function query<T>(ws: string, sql: string): T[] {
  const db = new Database(path.join(ws, 'workspace.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).raw().all() as T[];
  } finally {
    db.close();
  }
}

test('an ingest killed with SIGKILL after some batches committed continues from the last one when run again, and stores what an uninterrupted run stores', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-ingest-kill-'));
  try {
    // 40,000 records (78 batches of 512), rejects among them: broken JSON, empty text, repeated ids.
    const file = path.join(dir, 'reports.jsonl');
    const rng = new Rng(11);
    const total = 40_000;
    writeGenerated(file, total, (i) => {
      if (i % 997 === 13) return '{"report_id": "broken\n';
      const r = syntheticReport(rng, i);
      const id = i % 1499 === 700 ? `R${i - 1}` : r.id;
      const text = i % 2003 === 17 ? '' : `${r.findings} ${r.impression}`;
      return `${JSON.stringify({ report_id: id, accession: r.accession, patient_id: r.patientId, text })}\n`;
    });
    const full = ingestJson([file, '-w', path.join(dir, 'full'), '--workers', '0']) as ResumeSummary;
    assert.equal(full.seen, total);
    assert.deepEqual(Object.keys(full.rejectsByCode).sort(), ['BAD_JSON', 'DUPLICATE_ID', 'EMPTY']);
    assert.equal(full.resumedFrom, 0);

    // Killed once a batch is committed (its position is in ingest_progress) and before the end.
    const ws = path.join(dir, 'killed');
    const child = spawn(process.execPath, [CLI, 'ingest', file, '-w', ws, '--workers', '2', '--json'], { stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let done = false;
    void exited.then(() => { done = true; });
    let committed = 0;
    while (!done && committed === 0) {
      await sleep(20);
      try {
        committed = query<[number]>(ws, 'SELECT records FROM ingest_progress')[0]?.[0] ?? 0;
      } catch { /* not created yet, or its schema not yet written */ }
    }
    assert.ok(!done, 'the ingest finished before it could be killed; make the input larger');
    child.kill('SIGKILL');
    assert.equal((await exited).signal, 'SIGKILL');
    // Read again now that nothing writes: batches may have committed between the poll and the kill.
    const [[position, stored]] = query<[number, number]>(ws, 'SELECT p.records, (SELECT COUNT(*) FROM reports) FROM ingest_progress p');
    assert.ok(position > 0 && position < total, `${position} records committed when killed`);
    assert.ok(stored > 0 && stored <= position);

    const rerun = ingestJson([file, '-w', ws, '--workers', '1']) as ResumeSummary;
    assert.equal(rerun.resumedFrom, position, 'the rerun continued after the last committed batch');
    const { resumedFrom: _a, seconds: _b, ...fullRows } = full as ResumeSummary & { seconds: number };
    const { resumedFrom: _c, seconds: _d, ...rerunRows } = rerun as ResumeSummary & { seconds: number };
    assert.deepEqual(rerunRows, fullRows, 'the same counts (rejects counted once) and digest');
    assert.equal(rerun.digest, full.digest);

    // Every record once, in source order: the same reports and rejects, row for row, as the uninterrupted run.
    const rows = (w: string): unknown => ({
      reports: query(w, 'SELECT report_id FROM reports ORDER BY rowid'),
      rejects: query(w, 'SELECT record_id, code, reason FROM rejects ORDER BY id'),
    });
    assert.deepEqual(rows(ws), rows(path.join(dir, 'full')));
    assert.deepEqual(query(ws, 'SELECT COUNT(*) FROM reports'), [[full.ingested]]);
    assert.deepEqual(query(ws, 'SELECT COUNT(*) FROM rejects'), [[full.rejected]]);
    assert.deepEqual(query(ws, 'SELECT COUNT(*) FROM ingest_progress'), [[0]], 'the finished run left no position');
    assert.deepEqual(query(ws, 'PRAGMA integrity_check'), [['ok']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
