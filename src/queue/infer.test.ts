/**
 * Inference on the queue, with a real Redis and real `pacsmine worker` processes, on the tiny demo
 * workspace (every network trained): `classify --queue` and `keywords --queue` print exactly what
 * the in-process commands print (same JSON, same digest), an unreadable image included, and their
 * jobs leave Redis once the run has its results. Skipped (with a message) without redis-server.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { needsExecutable, repoRoot } from '../../testing/requirements.js';
import { killAllProcs, startCli, stopProcs, type CliProc } from '../../testing/child-procs.js';
import { REDIS_SERVER, startRedis, type TestRedis } from '../../testing/redis.js';
import { buildTinyDemo, type TinyDemo } from '../../testing/tiny-demo.js';
import { queueStatus } from './status.js';
import { withWorkspace } from '../store/workspace.js';
import { convertedKeyImagePaths } from '../images/convert.js';

const skip = needsExecutable(REDIS_SERVER, 'apt-get install redis-server');
const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
const runAsync = (args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const c = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('exit', (status) => resolve({ status, stdout, stderr }));
  });

let demo: TinyDemo | undefined;
let redis: TestRedis | undefined;
const workers: CliProc[] = [];
let images: string[] = [];

before(async () => {
  if (skip) return;
  demo = await buildTinyDemo('pacsmine-infer-queue-');
  const keyImages = path.join(demo.dir, 'artifacts', 'key-images');
  const bad = path.join(demo.dir, 'not-an-image.png');
  writeFileSync(bad, 'this is text');
  // Sorted PNGs with an unreadable file in the middle: batches of 7 split it unevenly.
  const pngs = readdirSync(keyImages).filter((f) => f.endsWith('.png')).sort().map((f) => path.join(keyImages, f));
  images = [...pngs.slice(0, 10), bad, ...pngs.slice(10, 30)];
  assert.ok(images.length > 20);
  redis = await startRedis({ password: 'pw-infer-7q' });
  for (let i = 0; i < 3; i++) workers.push(startCli(['worker', '--redis', redis.url]));
  const deadline = Date.now() + 20_000;
  while ((await queueStatus(redis.url)).workers < 3) {
    if (Date.now() > deadline) throw new Error('the workers did not connect');
    await new Promise((r) => setTimeout(r, 100));
  }
});
after(async () => {
  // SIGKILL past 15 s, and whatever a failed before() left: no worker outlives the test file.
  await stopProcs(workers);
  await killAllProcs();
  await redis?.stop();
  demo?.remove();
});

for (const command of ['classify', 'keywords'] as const) {
  test(`${command} --queue on three worker processes prints what ${command} prints in process (same digest), an unreadable image listed`, { skip, timeout: 120_000 }, async () => {
    const inProcess = run(command, '-w', demo!.dir, ...images, '--json');
    assert.equal(inProcess.status, 0, inProcess.stderr);
    const queued = await runAsync([command, '-w', demo!.dir, ...images, '--json', '--queue', redis!.url, '--batch', '7']);
    assert.equal(queued.status, 0, queued.stderr);
    assert.equal(queued.stdout, inProcess.stdout);
    assert.equal(queued.stderr, inProcess.stderr, 'the same rejects are reported');
    const summary = JSON.parse(inProcess.stdout.trim().split('\n').at(-1)!) as { images: unknown; rejected: unknown; digest: string };
    assert.match(summary.digest, /^[0-9a-f]{64}$/);
    const counted = (x: unknown): number => (Array.isArray(x) ? x.length : (x as number));
    assert.deepEqual([counted(summary.images), counted(summary.rejected)], [images.length - 1, 1]);
    assert.ok(!queued.stdout.includes('pw-infer-7q') && !queued.stderr.includes('pw-infer-7q'));
    const s = await queueStatus(redis!.url);
    assert.deepEqual(s.queues['pacsmine-infer'], { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 }, 'the results left Redis once printed');
  });
}

test('--all-key-images: classify and keywords run over the workspace\'s converted key images, the same as listing them, in process and on the queue', { skip, timeout: 180_000 }, async () => {
  const paths = await withWorkspace(demo!.dir, (w) => convertedKeyImagePaths(w), { access: 'read' });
  assert.ok(paths.length > 10);
  for (const command of ['classify', 'keywords'] as const) {
    const listed = run(command, '-w', demo!.dir, ...paths, '--json');
    assert.equal(listed.status, 0, listed.stderr);
    const all = run(command, '-w', demo!.dir, '--all-key-images', '--json');
    assert.equal(all.status, 0, all.stderr);
    assert.equal(all.stdout, listed.stdout);
    const queued = await runAsync([command, '-w', demo!.dir, '--all-key-images', '--json', '--queue', redis!.url, '--batch', '40']);
    assert.equal(queued.status, 0, queued.stderr);
    assert.equal(queued.stdout, listed.stdout);
    const neither = run(command, '-w', demo!.dir, '--json');
    assert.equal(neither.status, 2);
    assert.match(neither.stderr, /give IMAGE arguments, or --all-key-images/);
    const both = run(command, '-w', demo!.dir, paths[0]!, '--all-key-images');
    assert.equal(both.status, 2);
    assert.match(both.stderr, /not both/);
  }
});
