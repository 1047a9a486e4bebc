/**
 * One workspace, two writers: real `pacsmine` processes on one workspace. The first holds the
 * workspace's write lock; the second is refused with a message naming the holder (or waits with
 * --wait), and the store never sees two interleaved ingests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
const ROWS = 20_000;

interface Run {
  pid: number;
  done: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function start(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { pid: child.pid as number, done };
}

const run = (args: string[]) => start(args).done;

/** A CSV of ROWS reports with one key-image reference each: a few seconds of ingest. */
function setup(): { dir: string; csv: string; ws: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pacsmine-lock-'));
  const lines = ['id,text'];
  for (let i = 0; i < ROWS; i++) lines.push(`r${i},"Stable nodule in the right lower lobe (series 3 image ${(i % 90) + 1}). No pleural effusion. Heart size normal."`);
  const csv = path.join(dir, 'reports.csv');
  writeFileSync(csv, `${lines.join('\n')}\n`);
  return { dir, csv, ws: path.join(dir, 'ws') };
}

/**
 * Waits until the workspace's lock note names `pid` (it holds the lock from then on) and, with
 * `writing`, until its first reports are committed (past creating the store: mid-ingest).
 */
async function holderIs(ws: string, pid: number, writing = false): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    try {
      const holder = (JSON.parse(readFileSync(path.join(ws, 'workspace.lock.json'), 'utf8')) as { pid: number }).pid;
      if (holder === pid && (!writing || reportCount(ws) > 0)) return;
    } catch {
      // not written yet
    }
    await sleep(25);
  }
  throw new Error(`process ${pid} never took the workspace lock${writing ? ' and wrote reports' : ''}`);
}

function reportCount(ws: string): number {
  const db = new Database(path.join(ws, 'workspace.db'), { readonly: true, fileMustExist: true, timeout: 0 });
  try {
    return db.prepare('SELECT COUNT(*) FROM reports').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** The store after the runs: one clean ingest of every row, no DUPLICATE_ID rejects. */
async function assertOneCleanIngest(ws: string, csv: string): Promise<void> {
  const rejects = await run(['rejects', '-w', ws, '--json']);
  assert.equal(rejects.status, 0, rejects.stderr);
  assert.deepEqual(JSON.parse(rejects.stdout), [], 'no rejects (an interleaved second ingest rejected every row as DUPLICATE_ID)');
  const stats = await run(['stats', '-w', ws, '--json']);
  assert.equal((JSON.parse(stats.stdout) as { documents: number }).documents, ROWS);
  const again = await run(['ingest', csv, '-w', ws, '--json']);
  assert.equal(again.status, 0, again.stderr);
  const s = JSON.parse(again.stdout) as { upToDate: boolean; ingested: number; rejected: number };
  assert.deepEqual([s.upToDate, s.ingested, s.rejected], [true, ROWS, 0], 'a later run finds the one good ingest up to date');
}

test('a second ingest into a workspace being written exits 1 naming the holder pid; the first finishes clean', async () => {
  const { dir, csv, ws } = setup();
  try {
    const first = start(['ingest', csv, '-w', ws, '--workers', '0', '--json']);
    await holderIs(ws, first.pid, true);
    // Frozen mid-ingest while it holds the lock, the first writer cannot finish before the second tries.
    process.kill(first.pid, 'SIGSTOP');
    try {
      const second = await run(['ingest', csv, '-w', ws, '--json']);
      assert.equal(second.status, 1, second.stderr);
      assert.equal(second.stdout, '');
      assert.match(second.stderr, new RegExp(`in use by pacsmine ingest \\(pid ${first.pid} on `));
      assert.match(second.stderr, /--wait SECONDS/);
      // Readers do not wait for writers: they see the batches committed so far.
      const stats = await run(['stats', '-w', ws, '--json']);
      assert.equal(stats.status, 0, stats.stderr);
      const seen = (JSON.parse(stats.stdout) as { documents: number }).documents;
      assert.ok(seen > 0 && seen <= ROWS, `documents mid-ingest: ${seen}`);
    } finally {
      process.kill(first.pid, 'SIGCONT');
    }
    const r = await first.done;
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((({ seen, ingested, rejected }) => [seen, ingested, rejected])(JSON.parse(r.stdout) as { seen: number; ingested: number; rejected: number }), [ROWS, ROWS, 0]);
    await assertOneCleanIngest(ws, csv);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two ingests started at once into one workspace never interleave: one refuses or finds the other\'s work up to date', async () => {
  const { dir, csv, ws } = setup();
  try {
    const runs = await Promise.all([run(['ingest', csv, '-w', ws, '--json']), run(['ingest', csv, '-w', ws, '--json'])]);
    const ok = runs.filter((r) => r.status === 0);
    assert.ok(ok.length >= 1, runs.map((r) => r.stderr).join('\n'));
    for (const r of runs) if (r.status !== 0) assert.deepEqual([r.status, /in use by pacsmine ingest \(pid \d+/.test(r.stderr)], [1, true], r.stderr);
    for (const r of ok) {
      const s = JSON.parse(r.stdout) as { ingested: number; rejected: number };
      assert.deepEqual([s.ingested, s.rejected], [ROWS, 0]);
    }
    await assertOneCleanIngest(ws, csv);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a workspace lock left by a SIGKILLed ingest does not block the next run', async () => {
  const { dir, csv, ws } = setup();
  try {
    const killed = start(['ingest', csv, '-w', ws, '--workers', '0', '--json']);
    await holderIs(ws, killed.pid);
    process.kill(killed.pid, 'SIGKILL');
    assert.equal((await killed.done).signal, 'SIGKILL');
    // The note still names the dead process; the lock itself died with it.
    assert.equal((JSON.parse(readFileSync(path.join(ws, 'workspace.lock.json'), 'utf8')) as { pid: number }).pid, killed.pid);
    const next = await run(['ingest', csv, '-w', ws, '--json']);
    assert.equal(next.status, 0, next.stderr);
    const s = JSON.parse(next.stdout) as { upToDate: boolean; ingested: number; rejected: number };
    assert.deepEqual([s.upToDate, s.ingested, s.rejected], [false, ROWS, 0]);
    await assertOneCleanIngest(ws, csv);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with --wait a second ingest queues behind the first and then finds its work up to date', async () => {
  const { dir, csv, ws } = setup();
  try {
    const first = start(['ingest', csv, '-w', ws, '--workers', '0', '--json']);
    await holderIs(ws, first.pid);
    process.kill(first.pid, 'SIGSTOP');
    let second: Run;
    try {
      second = start(['ingest', csv, '-w', ws, '--wait', '120', '--json']);
      await sleep(2000);
    } finally {
      process.kill(first.pid, 'SIGCONT');
    }
    const [a, b] = await Promise.all([first.done, second.done]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    assert.equal((JSON.parse(a.stdout) as { upToDate: boolean }).upToDate, false);
    assert.equal((JSON.parse(b.stdout) as { upToDate: boolean }).upToDate, true, 'the waiting run started after the first had finished');
    await assertOneCleanIngest(ws, csv);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
