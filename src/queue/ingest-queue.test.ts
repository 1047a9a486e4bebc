/**
 * Report ingest on the queue, with a real Redis and real `pacsmine worker` processes: a CSV and a
 * JSON Lines file full of trouble (bad records, duplicate ids, quoted line breaks) give the
 * in-process run's workspace rows and `--json` line (same digest); a worker killed mid-shard loses
 * nothing and stores nothing twice; and no original report text ever reaches Redis (every command
 * Redis receives is watched with MONITOR for a name that de-identification replaces).
 * Skipped (with a message) without redis-server.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { needsExecutable, repoRoot } from '../../testing/requirements.js';
import { REDIS_SERVER, startRedis, type TestRedis } from '../../testing/redis.js';
import { messyCsv, messyJsonl } from '../../testing/messy-reports.js';
import { queueStatus } from './status.js';

const skip = needsExecutable(REDIS_SERVER, 'apt-get install redis-server');
const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
/** In the raw reports only: de-identification replaces it ("Dr. Zqxmarker" becomes "Dr. [NAME]"). */
const MARKER = 'Zqxmarker';

interface Proc { child: ChildProcess; out: () => string; done: Promise<number | null> }
function start(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, done };
}
const worker = (redis: string, env: Record<string, string> = {}): Proc =>
  start(['worker', '--redis', redis, '--lock-duration', '1000', '--stalled-interval', '500'], env);
const stopAll = async (ps: Proc[]): Promise<void> => {
  for (const p of ps) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await Promise.all(ps.map((p) => p.done));
};
async function until(what: string, cond: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const lastJson = (out: string): Record<string, unknown> => JSON.parse(out.trim().split('\n').at(-1) as string) as Record<string, unknown>;
const withoutTime = (s: Record<string, unknown>): Record<string, unknown> => {
  const { seconds: _s, ...rest } = s;
  return rest;
};

/** Everything ingest stores for the sources, by stable keys. */
function dump(ws: string): unknown {
  const db = new Database(path.join(ws, 'workspace.db'), { readonly: true, fileMustExist: true });
  try {
    return {
      reports: db.prepare('SELECT report_id, source, accession, patient_id, modality, exam_date, text, num_sentences, num_tokens, num_refs FROM reports ORDER BY report_id').all(),
      raw: db.prepare('SELECT report_id, raw_text FROM reports_raw ORDER BY report_id').all(),
      refs: db.prepare('SELECT report_id, sentence_index, section, start, end, text, series, series_text, instances, sentence, prev_sentence, next_sentence FROM refs ORDER BY report_id, start').all(),
      keys: db.prepare('SELECT report_id, series_number, instance_number, origin FROM key_images ORDER BY report_id, series_number, instance_number').all(),
      rejects: db.prepare('SELECT stage, source, record_id, code, reason FROM rejects ORDER BY source, record_id, code, reason').all(),
    };
  } finally {
    db.close();
  }
}

let dir = '';
let csv = '';
let jsonl = '';
const expected = new Map<string, { json: Record<string, unknown>; rows: unknown }>();
let n = 0;
const newWorkspace = (): string => path.join(dir, `ws${++n}`);

before(() => {
  if (skip) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-ingest-queue-'));
  csv = path.join(dir, 'reports.csv');
  jsonl = path.join(dir, 'reports.jsonl');
  writeFileSync(csv, messyCsv(400));
  writeFileSync(jsonl, messyJsonl(300));
  // The in-process runs everything is compared with.
  for (const file of [csv, jsonl]) {
    const ws = newWorkspace();
    const r = spawnSync(process.execPath, [cli, 'ingest', file, '-w', ws, '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const json = lastJson(r.stdout);
    assert.ok((json['rejected'] as number) > 20 && (json['ingested'] as number) > 100 && (json['phiReplaced'] as number) > 0, r.stdout);
    assert.ok((json['rejectsByCode'] as Record<string, number>)['DUPLICATE_ID']! > 0, 'duplicate ids in the input');
    expected.set(file, { json, rows: dump(ws) });
  }
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ingestQueued = (file: string, ws: string, redis: string): Proc =>
  start(['ingest', file, '-w', ws, '--queue', redis, '--json', '--shard-records', '25']);

test('three workers ingest a CSV and a JSON Lines file: the workspace rows and the --json line (digest included) are the in-process run\'s', { skip, timeout: 120_000 }, async () => {
  const redis = await startRedis();
  const workers = [worker(redis.url), worker(redis.url), worker(redis.url)];
  try {
    for (const [file, shards] of [[csv, ['--shard-records', '25']], [jsonl, ['--shard-bytes', '700']], [csv, ['--shard-bytes', '999']]] as const) {
      const ws = newWorkspace();
      const run = start(['ingest', file, '-w', ws, '--queue', redis.url, '--json', ...shards]);
      assert.equal(await run.done, 0, `${path.basename(file)} ${shards.join(' ')}: ${run.out()}`);
      const want = expected.get(file)!;
      assert.deepEqual(withoutTime(lastJson(run.out())), withoutTime(want.json), `${path.basename(file)} ${shards.join(' ')}`);
      assert.deepEqual(dump(ws), want.rows);
      // Run again: up to date, as in-process.
      const again = start(['ingest', file, '-w', ws, '--queue', redis.url, '--json']);
      assert.equal(await again.done, 0, again.out());
      assert.equal(lastJson(again.out())['upToDate'], true);
      assert.equal(lastJson(again.out())['digest'], want.json['digest']);
    }
    const s = await queueStatus(redis.url);
    assert.equal(s.queues['pacsmine-ingest']!.completed + s.queues['pacsmine-ingest']!.waiting, 0, 'committed shards leave Redis');
  } finally {
    await stopAll(workers);
    await redis.stop();
  }
});

test('a worker killed with SIGKILL mid-shard: the shard is redone and every record is stored once', { skip, timeout: 120_000 }, async () => {
  const redis = await startRedis();
  // This worker sleeps inside each job, so it is caught holding one.
  const slow = worker(redis.url, { PACSMINE_QUEUE_JOB_DELAY_MS: '60000' });
  const procs = [slow];
  try {
    const ws = newWorkspace();
    const coordinator = ingestQueued(csv, ws, redis.url);
    procs.push(coordinator);
    await until('the slow worker to take a shard', async () => (await queueStatus(redis.url)).queues['pacsmine-ingest']!.active === 1);
    slow.child.kill('SIGKILL');
    await slow.done;
    procs.push(worker(redis.url));
    assert.equal(await coordinator.done, 0, coordinator.out());
    const want = expected.get(csv)!;
    assert.deepEqual(withoutTime(lastJson(coordinator.out())), withoutTime(want.json));
    assert.deepEqual(dump(ws), want.rows);
  } finally {
    await stopAll(procs);
    await redis.stop();
  }
});

/** Shards the coordinator has committed so far (read beside it, as a second reader of the SQLite file). */
function committedIn(ws: string): number {
  try {
    const db = new Database(path.join(ws, 'workspace.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT COUNT(*) FROM queue_commits').pluck().get() as number;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

test('the coordinator killed mid-run: run again, it adds only the shards not committed and ends with the in-process rows', { skip, timeout: 120_000 }, async () => {
  const redis = await startRedis();
  const slow = { PACSMINE_QUEUE_JOB_DELAY_MS: '300' };
  const procs = [worker(redis.url, slow), worker(redis.url, slow)];
  try {
    const ws = newWorkspace();
    const first = ingestQueued(csv, ws, redis.url);
    procs.push(first);
    await until('some shards to be committed', async () => committedIn(ws) >= 2);
    first.child.kill('SIGKILL');
    await first.done;
    const committed = committedIn(ws);
    const second = ingestQueued(csv, ws, redis.url);
    procs.push(second);
    assert.equal(await second.done, 0, second.out());
    const want = expected.get(csv)!;
    const got = lastJson(second.out());
    assert.ok((got['resumedFrom'] as number) > 0, `resumed after ${committed} committed shards: ${JSON.stringify(got)}`);
    assert.deepEqual({ ...withoutTime(got), resumedFrom: 0 }, withoutTime(want.json));
    assert.deepEqual(dump(ws), want.rows);
    assert.equal(committedIn(ws), 0, 'the marks go with the stage record');
  } finally {
    await stopAll(procs);
    await redis.stop();
  }
});

test('a shard whose every attempt fails (the file changed under the workers) becomes a job-failed reject naming its lines', { skip, timeout: 120_000 }, async () => {
  const redis = await startRedis();
  const procs = [1, 2, 3].map(() => worker(redis.url, { PACSMINE_QUEUE_JOB_DELAY_MS: '2000' }));
  const file = path.join(dir, 'changing.jsonl');
  writeFileSync(file, messyJsonl(120));
  try {
    const ws = newWorkspace();
    const run = start(['ingest', file, '-w', ws, '--queue', redis.url, '--json', '--shard-records', '50']);
    procs.push(run);
    await until('the shards to be taken', async () => (await queueStatus(redis.url)).queues['pacsmine-ingest']!.active > 0);
    appendFileSync(file, `${JSON.stringify({ id: 'late', report: 'added later' })}\n`);
    assert.equal(await run.done, 0, run.out());
    const got = lastJson(run.out());
    assert.deepEqual(got['rejectsByCode'], { 'job-failed': 3 });
    assert.equal(got['ingested'], 0);
    const rows = dump(ws) as { rejects: Array<{ record_id: string; code: string; reason: string }> };
    assert.deepEqual(rows.rejects.map((r) => r.record_id), ['@changing.jsonl:lines 1-50', '@changing.jsonl:lines 101-end', '@changing.jsonl:lines 51-100']);
    for (const r of rows.rejects) assert.match(r.reason, /records not ingested: the job failed after 3 attempts: .*not the same file/);
  } finally {
    await stopAll(procs);
    await redis.stop();
  }
});

/** Every command Redis receives, as MONITOR prints it, until `stop()`. */
function monitor(port: number): { stop: () => Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let seen = '';
  socket.on('data', (d: Buffer) => (seen += d.toString('latin1')));
  socket.write('MONITOR\r\n');
  return {
    stop: () => new Promise((resolve) => {
      socket.end(() => resolve(seen));
    }),
  };
}

test('no original report text reaches Redis: job payloads carry a path and a range, results de-identified text', { skip, timeout: 120_000 }, async () => {
  const redis: TestRedis = await startRedis();
  const workers = [worker(redis.url), worker(redis.url)];
  try {
    const watch = monitor(redis.port);
    await new Promise((r) => setTimeout(r, 200));
    for (const file of [csv, jsonl]) {
      const run = ingestQueued(file, newWorkspace(), redis.url);
      assert.equal(await run.done, 0, run.out());
    }
    const seen = await watch.stop();
    assert.ok(seen.includes('range') && seen.includes('Dr. [NAME]'), 'MONITOR saw the jobs and their results');
    assert.ok(!seen.includes(MARKER), 'an original report text went through Redis');
  } finally {
    await stopAll(workers);
    await redis.stop();
  }
});

test('a source that does not split (a .txt folder) is refused with the formats the queue takes, before Redis is asked', { timeout: 60_000 }, () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-ingest-txt-'));
  try {
    mkdirSync(path.join(folder, 'r'));
    writeFileSync(path.join(folder, 'r', 'a.txt'), 'A report.');
    const r = spawnSync(process.execPath, [cli, 'ingest', path.join(folder, 'r'), '-w', path.join(folder, 'ws'), '--queue', 'redis://127.0.0.1:1', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /reads as txt: the queue takes csv and jsonl files/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
