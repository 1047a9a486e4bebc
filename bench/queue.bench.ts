/**
 * `npm run bench -- queue`: images converted per second on the Redis queue (BullMQ) with 1 and 2
 * `pacsmine worker` processes, against the in-process `images convert`, on a generated archive;
 * one job is one study ("jobs" counts them, "images" the images); the queue's overhead per job
 * ((1-worker time − in-process time) / jobs) and per image, and a worker's peak RSS. Needs
 * /usr/bin/redis-server (a private one is started).
 * Then report ingest of a generated CSV (--reports N, 20,000): in-process (a thread per core)
 * against 2 workers on the queue (shards of 1,000 records), and the coordinator's own passes over
 * the file (the split, and reading back originals), which bound what more workers can give.
 * No Python anchor: nothing in Debian's python3 packages does this job. Flags: --studies N (8), --size PX (128).
 * On a shared 2-core machine, workers compete with the coordinator and each other: more workers
 * pay off with more machines, not here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateArchive } from '../src/sample/generate.js';
import { Workspace } from '../src/store/workspace.js';
import { indexDicomFolder } from '../src/images/indexer.js';
import { convertKeyImages, imagesToConvert } from '../src/images/convert.js';
import { groupByStudy, STUDY_IMAGES_IN_FLIGHT } from '../src/queue/jobs.js';
import { enqueueConvert } from '../src/queue/coordinator.js';
import { enqueueIngest } from '../src/queue/ingest-coordinator.js';
import { splitShards } from '../src/queue/ingest-split.js';
import { ingestReports } from '../src/reports/ingest.js';
import { readReports, resolveSource } from '../src/ingest/source.js';
import { queueStatus } from '../src/queue/status.js';
import { startRedis } from '../testing/redis.js';
import { finish } from './lib/report.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const studies = arg('studies', 8);
const size = arg('size', 128);
const reports = arg('reports', 20_000);
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const CONCURRENCY = 4;
// A worker runs CONCURRENCY study jobs, each with STUDY_IMAGES_IN_FLIGHT images at once: the
// in-process run gets as many images in flight, so the difference is the queue's cost.
const IN_FLIGHT = CONCURRENCY * STUDY_IMAGES_IN_FLIGHT;

/** Peak RSS (VmHWM) of a running process, MiB. */
const peakOf = (pid: number): number => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : 0;
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'pacsmine-bench-queue-'));
const redis = await startRedis();
const children: ChildProcess[] = [];
try {
  const archive = await generateArchive({ outDir: path.join(dir, 'archive'), studies, seed: 1, size, slices: 8 });
  const workspace = (name: string): Workspace => {
    const ws = Workspace.open(path.join(dir, name));
    indexDicomFolder(ws, archive.dicomDir);
    return ws;
  };
  let ws = workspace('in-process');
  let t = performance.now();
  const base = await convertKeyImages(ws, { all: true, size: 256, concurrency: IN_FLIGHT });
  const inProcessS = (performance.now() - t) / 1000;
  // The study jobs the coordinator will add (the same grouping it uses).
  const studyOf = new Map((ws.db.prepare('SELECT sop_instance_uid AS uid, study_uid AS study FROM images').all() as Array<{ uid: string; study: string | null }>).map((r) => [r.uid, r.study]));
  const jobs = groupByStudy(imagesToConvert(ws, true).map((i) => ({ ...i, studyUid: studyOf.get(i.sopInstanceUid) ?? null }))).length;
  ws.close();
  const images = base.images;
  process.stdout.write(`in-process (${IN_FLIGHT} in flight): ${images} images in ${inProcessS.toFixed(2)} s: ${(images / inProcessS).toFixed(0)} images/s\n`);

  const rates: number[] = [];
  let times: number[] = [];
  let workerPeak = 0;
  for (const n of [1, 2]) {
    const started = children.length;
    for (let i = 0; i < n; i++) children.push(spawn(process.execPath, [cli, 'worker', '--redis', redis.url, '--concurrency', String(CONCURRENCY)], { stdio: 'ignore' }));
    while ((await queueStatus(redis.url)).workers < n) await new Promise((r) => setTimeout(r, 50));
    ws = workspace(`workers-${n}`);
    t = performance.now();
    const s = await enqueueConvert(ws, { redis: redis.url, all: true, size: 256 });
    const seconds = (performance.now() - t) / 1000;
    ws.close();
    if (s.digest !== base.digest) throw new Error(`workers ${n}: the queue's output differs from the in-process run`);
    rates.push(images / seconds);
    times = [...times, seconds];
    process.stdout.write(`${n} worker(s): ${jobs} study jobs, ${images} images in ${seconds.toFixed(2)} s: ${(images / seconds).toFixed(0)} images/s (same digest)\n`);
    for (const c of children.slice(started)) workerPeak = Math.max(workerPeak, peakOf(c.pid as number));
    for (const c of children.slice(started)) c.kill('SIGTERM');
  }
  const overheadMs = (((times[0] as number) - inProcessS) / jobs) * 1000;
  const perImageMs = (((times[0] as number) - inProcessS) / images) * 1000;
  process.stdout.write(`queue overhead ${overheadMs.toFixed(2)} ms/study job (${perImageMs.toFixed(2)} ms/image); worker peak RSS ${workerPeak} MiB; 2 shared cores: timings are noisy\n`);

  // Report ingest: in-process against 2 queue workers, and the coordinator's own passes over the file.
  const text = await generateArchive({ outDir: path.join(dir, 'reports'), studies: reports, seed: 2, size: 32, slices: 8, reportsOnly: true });
  const file = text.reportsCsv;
  ws = Workspace.open(path.join(dir, 'ingest-in-process'));
  t = performance.now();
  const inProc = await ingestReports(ws, file);
  const ingestInS = (performance.now() - t) / 1000;
  ws.close();
  const { resolved, delimiter } = await resolveSource(file, {});
  t = performance.now();
  const shards = await splitShards(file, 'csv', { ...resolved, delimiter }, {});
  const splitS = (performance.now() - t) / 1000;
  t = performance.now();
  for await (const _ of readReports(file)) { /* the read-back's parse, over the whole file */ }
  const readS = (performance.now() - t) / 1000;
  const ingestWorkers: ChildProcess[] = [];
  for (let i = 0; i < 2; i++) ingestWorkers.push(spawn(process.execPath, [cli, 'worker', '--redis', redis.url], { stdio: 'ignore' }));
  children.push(...ingestWorkers);
  while ((await queueStatus(redis.url)).workers < 2) await new Promise((r) => setTimeout(r, 50));
  ws = Workspace.open(path.join(dir, 'ingest-queue'));
  t = performance.now();
  const queued = await enqueueIngest(ws, file, { redis: redis.url });
  const ingestQS = (performance.now() - t) / 1000;
  ws.close();
  if (queued.digest !== inProc.digest) throw new Error('ingest: the queue\'s output differs from the in-process run');
  let ingestPeak = 0;
  for (const c of ingestWorkers) ingestPeak = Math.max(ingestPeak, peakOf(c.pid as number));
  for (const c of ingestWorkers) c.kill('SIGTERM');
  const per = (s: number): number => Math.round(inProc.seen / s);
  process.stdout.write(`ingest ${inProc.seen} reports: in-process ${per(ingestInS)}/s; 2 workers on the queue (${shards.length} shards) ${per(ingestQS)}/s (same digest); ` +
    `coordinator: split ${per(splitS)}/s, read-back parse ${per(readS)}/s; worker peak RSS ${ingestPeak} MiB\n`);
  finish({
    // The *_per_s figures of the conversion are images per second.
    bench: 'queue', jobs, images, in_process_per_s: Math.round(images / inProcessS), workers_1_per_s: Math.round(rates[0] as number), workers_2_per_s: Math.round(rates[1] as number),
    overhead_ms_per_job: Math.round(overheadMs * 100) / 100, overhead_ms_per_image: Math.round(perImageMs * 100) / 100, worker_peak_rss_mb: workerPeak,
    ingest_reports: inProc.seen, ingest_in_process_per_s: per(ingestInS), ingest_workers_2_per_s: per(ingestQS),
    ingest_split_per_s: per(splitS), ingest_read_back_per_s: per(readS), ingest_worker_peak_rss_mb: ingestPeak,
  });
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
