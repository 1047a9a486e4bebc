/**
 * A new user's first steps, through the real CLI: `pacsmine sample` then `pacsmine ingest` with no
 * column flags must ingest every report, from the JSONL and from the CSV. And the ingest's --json
 * digest: equal for two runs of the same input, and equal after a run killed with SIGKILL mid-way.
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

test('an ingest killed with SIGKILL mid-run, then run again, stores what an uninterrupted run stores', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-ingest-kill-'));
  try {
    const file = path.join(dir, 'reports.jsonl');
    const rng = new Rng(11);
    const total = 40_000;
    writeGenerated(file, total, (i) => {
      const r = syntheticReport(rng, i);
      return `${JSON.stringify({ report_id: r.id, accession: r.accession, patient_id: r.patientId, text: `${r.findings} ${r.impression}` })}\n`;
    });
    const full = ingestJson([file, '-w', path.join(dir, 'full'), '--workers', '1']);
    assert.equal(full.ingested + full.rejected, total);

    // Killed once some batches are committed and before the end.
    const ws = path.join(dir, 'killed');
    const child = spawn(process.execPath, [CLI, 'ingest', file, '-w', ws, '--workers', '1', '--json'], { stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let done = false;
    void exited.then(() => { done = true; });
    let committed = 0;
    while (!done && committed === 0) {
      await sleep(20);
      try {
        const db = new Database(path.join(ws, 'workspace.db'), { readonly: true, fileMustExist: true });
        try { committed = db.prepare('SELECT COUNT(*) FROM reports').pluck().get() as number; } finally { db.close(); }
      } catch { /* not created yet, or its schema not yet written */ }
    }
    assert.ok(!done, 'the ingest finished before it could be killed; make the input larger');
    child.kill('SIGKILL');
    const { signal } = await exited;
    assert.equal(signal, 'SIGKILL');
    assert.ok(committed > 0 && committed < total, `${committed} committed when killed`);

    const rerun = ingestJson([file, '-w', ws, '--workers', '1']);
    assert.equal(rerun.ingested, full.ingested);
    assert.equal(rerun.digest, full.digest);
    const db = new Database(path.join(ws, 'workspace.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      assert.equal(db.prepare('SELECT COUNT(*) FROM reports').pluck().get(), full.ingested);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
