/**
 * The queue end to end, with a real Redis and real `pacsmine worker` child processes: several
 * workers give the same workspace as one process; a worker killed mid-job loses nothing; a Redis
 * restart mid-run is waited out. Skipped (with a message) without /usr/bin/redis-server.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { needsExecutable } from '../../testing/requirements.js';
import { CLI, killAllProcs, startCli, stopProcs, type CliProc } from '../../testing/child-procs.js';
import { REDIS_SERVER, startRedis } from '../../testing/redis.js';
import { withWorkspace } from '../store/workspace.js';
import { listRejects } from '../store/rejects.js';
import { parseRedisUrl } from './connection.js';
import { queueStatus } from './status.js';

const skip = needsExecutable(REDIS_SERVER, 'apt-get install redis-server');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

type Proc = CliProc;
const start = startCli;
const worker = (redis: string, extra: string[] = [], env: Record<string, string> = {}): Proc =>
  start(['worker', '--redis', redis, '--lock-duration', '1000', '--stalled-interval', '500', ...extra], env);
const stopAll = (ps: Proc[]): Promise<void> => stopProcs(ps);

let dir = '';
let archive = '';
let expected = { images: 0, digest: '' };
let n = 0;
/** A fresh workspace over the shared synthetic archive, images indexed. */
function workspace(): string {
  const ws = path.join(dir, `ws${++n}`);
  const r = run('images', 'index', archive, '-w', ws, '--json');
  assert.equal(r.status, 0, r.stderr);
  return ws;
}
const statusOf = (redis: string) => queueStatus(redis);
async function until(what: string, cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
/** Every image once in key_image_png, no rejects. */
async function checkWorkspace(ws: string): Promise<void> {
  await withWorkspace(ws, (w) => {
    const rows = w.db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT sop_instance_uid) AS d FROM key_image_png').get() as { n: number; d: number };
    assert.deepEqual(rows, { n: expected.images, d: expected.images });
    assert.deepEqual(listRejects(w, 'images-convert'), []);
  }, { access: 'read' });
}

/** The workspace's studies (a conversion job each). */
function studiesIn(ws: string): number {
  const db = new Database(path.join(ws, 'workspace.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT COUNT(DISTINCT study_uid) FROM images').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Jobs the coordinator has committed so far (read beside it, as a second reader of the SQLite file). */
function committedIn(ws: string): number {
  const db = new Database(path.join(ws, 'workspace.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM queue_commits').pluck().get() as number;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

before(() => {
  if (skip) return;
  dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-queue-'));
  archive = path.join(dir, 'archive');
  const s = run('sample', '--out', archive, '--studies', '3', '--seed', '5', '--size', '32', '--slices', '4', '--json');
  assert.equal(s.status, 0, s.stderr);
  // The single-process run everything is compared with.
  const r = run('images', 'convert', '--all', '-w', workspace(), '--json');
  assert.equal(r.status, 0, r.stderr);
  expected = JSON.parse(r.stdout) as typeof expected;
  assert.ok(expected.images > 10 && /^[0-9a-f]{64}$/.test(expected.digest));
});
after(async () => {
  // A failed test must not leave `pacsmine worker` processes behind.
  await killAllProcs();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a Redis URL parses into connection options; its password is used but never in the printable label', { skip }, () => {
  const t = parseRedisUrl('redis://user:s3cr%40t@db.example:6380/2');
  assert.deepEqual([t.connection.host, t.connection.port, t.connection.username, t.connection.password, t.connection.db], ['db.example', 6380, 'user', 's3cr@t', 2]);
  assert.ok(!t.label.includes('s3cr'), t.label);
  assert.throws(() => parseRedisUrl('http://:pw@x'), (e: Error) => /redis:\/\//.test(e.message) && !e.message.includes('pw'));
});

test('three worker processes drain the conversion; the workspace equals the single-process run, and the password is never printed', { skip, timeout: 120_000 }, async () => {
  const password = 'pw-Zq81x';
  const redis = await startRedis({ password });
  const workers = [worker(redis.url), worker(redis.url), worker(redis.url)];
  try {
    const ws = workspace();
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = start(['images', 'convert', '--all', '-w', ws, '--queue', redis.url, '--json']);
      void c.done.then((code) => resolve({ code, out: c.out() }));
    });
    assert.equal(r.code, 0, r.out);
    const summary = JSON.parse(r.out.trim().split('\n').at(-1) as string) as typeof expected & { converted: number };
    assert.equal(summary.images, expected.images);
    assert.equal(summary.converted, expected.images);
    assert.equal(summary.digest, expected.digest);
    await checkWorkspace(ws);
    const s = await statusOf(redis.url);
    assert.equal(s.workers, 3);
    const printed = run('queue', 'status', '--redis', redis.url, '--json');
    assert.equal(printed.status, 0, printed.stderr);
    assert.equal((JSON.parse(printed.stdout) as { workers: number }).workers, 3);
    assert.ok(!printed.stdout.includes(password));
    assert.equal(s.waiting + s.active + s.completed, 0, 'committed jobs leave Redis');
    // The same run again (every study job added again, converted again): nothing changes.
    const again = start(['images', 'convert', '--all', '-w', ws, '--queue', redis.url, '--json']);
    assert.equal(await again.done, 0, again.out());
    assert.equal(again.out().trim().split('\n').at(-1), r.out.trim().split('\n').at(-1));
    await checkWorkspace(ws);
    await stopAll(workers);
    for (const p of workers) {
      assert.match(p.out(), /taking jobs from redis:\/\/\*\*\*@127\.0\.0\.1/);
      assert.ok(!p.out().includes(password), 'a worker printed the password');
    }
    assert.ok(!r.out.includes(password));
  } finally {
    await stopAll(workers);
    await redis.stop();
  }
});

test('a study with an undecodable image: that image is a reject with its reason, the study\'s other images are committed; output and rejects equal the single-process run', { skip, timeout: 120_000 }, async () => {
  const broken = path.join(dir, 'archive-broken');
  cpSync(archive, broken, { recursive: true });
  const index = (): string => {
    const ws = path.join(dir, `ws${++n}`);
    const r = run('images', 'index', broken, '-w', ws, '--json');
    assert.equal(r.status, 0, r.stderr);
    return ws;
  };
  const [wsA, wsB] = [index(), index()];
  // Broken after indexing: the conversion meets it.
  const victim = (await withWorkspace(wsA, (w) => w.db.prepare('SELECT location FROM images ORDER BY sop_instance_uid LIMIT 1 OFFSET 3').pluck().get() as string, { access: 'read' }));
  writeFileSync(victim, 'not a DICOM file any more');
  const inProcess = run('images', 'convert', '--all', '-w', wsA, '--json');
  assert.equal(inProcess.status, 0, inProcess.stderr);
  const redis = await startRedis();
  const workers = [worker(redis.url), worker(redis.url)];
  try {
    const q = start(['images', 'convert', '--all', '-w', wsB, '--queue', redis.url, '--json']);
    assert.equal(await q.done, 0, q.out());
    const queued = { stdout: q.out() };
    const line = (o: string) => { const { outDir: _, ...rest } = JSON.parse(o.trim().split('\n').at(-1) as string) as Record<string, unknown>; return rest; };
    assert.deepEqual(line(queued.stdout), line(inProcess.stdout));
    assert.deepEqual(line(queued.stdout)['rejected'], 1);
    assert.equal(line(queued.stdout)['converted'], expected.images - 1);
    const rejectsOf = (ws: string) => withWorkspace(ws, (w) => listRejects(w, 'images-convert').map((x) => [x.recordId, x.code, x.reason]), { access: 'read' });
    const rejects = await rejectsOf(wsB);
    assert.deepEqual(rejects, await rejectsOf(wsA));
    assert.equal(rejects[0]?.[0], victim);
  } finally {
    await stopAll(workers);
    await redis.stop();
  }
});

test('a study with an image on a PACS that does not answer: the study is retried with back-off, then that image is a job-failed reject with its reason and the rest is committed', { skip, timeout: 120_000 }, async () => {
  const ws = workspace();
  // One image moved to a PACS on a port nothing listens on.
  const closed = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
  const pacs = `http://127.0.0.1:${closed}/dicom-web`;
  const db = new Database(path.join(ws, 'workspace.db'));
  const moved = db.prepare('SELECT sop_instance_uid AS uid, study_uid AS study, series_uid AS series FROM images ORDER BY sop_instance_uid LIMIT 1').get() as { uid: string; study: string; series: string };
  const url = `${pacs}/studies/${moved.study}/series/${moved.series}/instances/${moved.uid}`;
  db.prepare("UPDATE images SET source = 'dicomweb', location = ? WHERE sop_instance_uid = ?").run(url, moved.uid);
  db.close();
  const redis = await startRedis();
  const workers = [worker(redis.url, ['--url', pacs])];
  try {
    const c = start(['images', 'convert', '--all', '-w', ws, '--queue', redis.url, '--json']);
    assert.equal(await c.done, 0, c.out());
    const summary = JSON.parse(c.out().trim().split('\n').at(-1) as string) as { images: number; converted: number; rejected: number };
    assert.deepEqual([summary.images, summary.converted, summary.rejected], [expected.images, expected.images - 1, 1]);
    const rejects = await withWorkspace(ws, (w) => listRejects(w, 'images-convert'), { access: 'read' });
    assert.deepEqual(rejects.map((r) => [r.recordId, r.code]), [[url, 'job-failed']]);
    assert.match(rejects[0]!.reason, /^failed after 4 attempts: .*PACS/);
  } finally {
    await stopAll(workers);
    await redis.stop();
  }
});

test('a worker killed with SIGKILL mid-job: its job is taken back and every image is recorded once', { skip, timeout: 120_000 }, async () => {
  const redis = await startRedis();
  // This worker sleeps inside each job, so it is caught holding one.
  const slow = worker(redis.url, ['--concurrency', '1'], { PACSMINE_QUEUE_JOB_DELAY_MS: '60000' });
  const procs = [slow];
  try {
    const ws = workspace();
    const coordinator = start(['images', 'convert', '--all', '-w', ws, '--queue', redis.url, '--json']);
    procs.push(coordinator);
    await until('the slow worker to take a job', async () => (await statusOf(redis.url)).active === 1);
    const st = await statusOf(redis.url);
    assert.equal(st.waiting + st.active, studiesIn(ws), 'one job per study');
    slow.child.kill('SIGKILL');
    await slow.done;
    procs.push(worker(redis.url));
    assert.equal(await coordinator.done, 0, coordinator.out());
    const summary = JSON.parse(coordinator.out().trim().split('\n').at(-1) as string) as typeof expected;
    assert.equal(summary.digest, expected.digest);
    await checkWorkspace(ws);
  } finally {
    await stopAll(procs);
    await redis.stop();
  }
});

test('Redis restarted mid-run: workers and coordinator reconnect and the run completes with nothing lost', { skip, timeout: 120_000 }, async () => {
  const redis = await startRedis({ appendonly: true });
  const procs = [worker(redis.url, ['--concurrency', '1'], { PACSMINE_QUEUE_JOB_DELAY_MS: '700' }), worker(redis.url, ['--concurrency', '1'], { PACSMINE_QUEUE_JOB_DELAY_MS: '700' })];
  try {
    const ws = workspace();
    const coordinator = start(['images', 'convert', '--all', '-w', ws, '--queue', redis.url, '--json']);
    procs.push(coordinator);
    await until('a study job to finish', async () => (await statusOf(redis.url)).completed >= 1 || committedIn(ws) >= 1);
    await redis.restart();
    assert.equal(await coordinator.done, 0, coordinator.out());
    const summary = JSON.parse(coordinator.out().trim().split('\n').at(-1) as string) as typeof expected;
    assert.equal(summary.digest, expected.digest);
    await checkWorkspace(ws);
  } finally {
    await stopAll(procs);
    await redis.stop();
  }
});

test('Redis gone mid-run: the coordinator stops after --redis-timeout with a message (exit 1, no password); Redis back empty, the rerun does only the rest and records every image once', { skip, timeout: 90_000 }, async () => {
  const password = 'pw-gone-4k';
  const redis = await startRedis({ password }); // no persistence: what Redis held is lost
  const slow = ['--concurrency', '1'];
  // Slow enough that the first study is committed while another is still in hand.
  const procs = [worker(redis.url, slow, { PACSMINE_QUEUE_JOB_DELAY_MS: '1500' }), worker(redis.url, slow, { PACSMINE_QUEUE_JOB_DELAY_MS: '1500' })];
  try {
    const ws = workspace();
    const args = ['images', 'convert', '--all', '-w', ws, '--queue', redis.url, '--json', '--redis-timeout', '2'];
    const first = start(args);
    procs.push(first);
    // Some results committed, more to do.
    await until('some results to be committed', async () => committedIn(ws) >= 1);
    await redis.pause();
    const code = await first.done;
    assert.equal(code, 1, first.out());
    assert.match(first.out(), /Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+ has not answered for 2 s while [a-z ]+; the results committed so far are kept: run the same command again/);
    assert.ok(!first.out().includes(password), 'the message names Redis without its password');
    const committed = committedIn(ws);
    assert.ok(committed > 0 && committed < studiesIn(ws), `${committed} of ${studiesIn(ws)} study jobs committed before Redis went`);
    await redis.resume();
    const second = start(args);
    procs.push(second);
    assert.equal(await second.done, 0, second.out());
    const summary = JSON.parse(second.out().trim().split('\n').at(-1) as string) as typeof expected & { converted: number };
    assert.equal(summary.converted, expected.images);
    assert.equal(summary.digest, expected.digest);
    await checkWorkspace(ws);
    await withWorkspace(ws, (w) => assert.equal(w.db.prepare('SELECT COUNT(*) FROM queue_commits').pluck().get(), 0, 'the marks go with the stage record'), { access: 'read' });
  } finally {
    await stopAll(procs);
    await redis.stop();
  }
});

test('a worker told to stop while Redis is down exits after its grace period: exit 1, a message naming its job in hand and Redis without the password', { skip, timeout: 90_000 }, async () => {
  const password = 'pw-term-9v';
  const redis = await startRedis({ password });
  // Caught holding a job: it sleeps inside each one.
  const held = worker(redis.url, ['--concurrency', '1', '--grace', '2'], { PACSMINE_QUEUE_JOB_DELAY_MS: '60000' });
  const procs = [held];
  try {
    const coordinator = start(['images', 'convert', '--all', '-w', workspace(), '--queue', redis.url, '--json']);
    procs.push(coordinator);
    await until('the worker to take a job', async () => (await statusOf(redis.url)).active === 1);
    await stopProcs([coordinator]);
    await redis.pause();
    const t = Date.now();
    held.child.kill('SIGTERM');
    const code = await held.done;
    const seconds = (Date.now() - t) / 1000;
    assert.equal(code, 1, held.out());
    // The grace (2 s) and a wide margin for a loaded machine: without the fix it never exits.
    assert.ok(seconds >= 2 && seconds < 20, `exited ${seconds} s after SIGTERM`);
    assert.match(held.out(), /Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+ did not answer for 2 s after the stop signal: connections dropped with 1 job\(s\) in hand, which go back to the queue/);
    assert.ok(!held.out().includes(password));
  } finally {
    await stopAll(procs);
    await redis.stop();
  }
});

test('a worker told to stop while Redis answers finishes its job in hand and exits 0', { skip, timeout: 90_000 }, async () => {
  const redis = await startRedis();
  const held = worker(redis.url, ['--concurrency', '1', '--grace', '1'], { PACSMINE_QUEUE_JOB_DELAY_MS: '3000' });
  const procs = [held];
  try {
    const ws = workspace();
    const coordinator = start(['images', 'convert', '--all', '-w', ws, '--queue', redis.url, '--json']);
    procs.push(coordinator);
    await until('the worker to take a job', async () => (await statusOf(redis.url)).active === 1);
    held.child.kill('SIGTERM');
    assert.equal(await held.done, 0, held.out());
    assert.match(held.out(), /pacsmine worker: stopped/);
    const s = await statusOf(redis.url);
    assert.equal(s.active, 0, 'the job in hand was finished, not left active');
    await until('its result to be committed', async () => committedIn(ws) >= 1);
  } finally {
    await stopAll(procs);
    await redis.stop();
  }
});
