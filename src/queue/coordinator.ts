/**
 * The coordinator of a queued `images convert`: it reads the workspace (which stays on this
 * machine), adds one job per image to Redis, waits while workers elsewhere convert them into the
 * shared output folder, and then commits every result itself: rows, rejects, the stage record.
 * Jobs are keyed (convertJobId), so a coordinator that is stopped and run again finds the jobs it
 * added, takes the finished results and waits only for the rest; a job Redis has lost is added
 * again. Results leave Redis only after they are committed.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Job, Queue } from 'bullmq';
import type { Workspace } from '../store/workspace.js';
import { Rejects } from '../store/rejects.js';
import { convertDigest, type ConvertedRow } from '../images/convert-one.js';
import { CONVERT_STAGE, imagesToConvert, keyImageDir, recordConvertStage, saveConvertedRows, type ConvertSummary } from '../images/convert.js';
import { DEFAULT_MAX_PIXELS } from '../images/pixels.js';
import { UnreachableError } from '../util/errors.js';
import { throwIfCancelled, type RunControl } from '../util/progress.js';
import { redactSecrets } from '../util/redact.js';
import { parseRedisUrl } from './connection.js';
import { CONVERT_ATTEMPTS, CONVERT_BACKOFF_MS, CONVERT_QUEUE, QUEUE_PREFIX, convertJobId, type ConvertJob, type ConvertJobResult } from './jobs.js';

export interface EnqueueConvertOptions extends RunControl {
  redis: string;
  all?: boolean;
  size?: number;
  window?: [number, number] | string;
  maxPixels?: number;
  /** The folder the workers write into, shared by every machine (default: the workspace's artifacts/key-images). */
  outDir?: string;
  /** How often the coordinator looks at its jobs (default 100 ms). */
  pollMs?: number;
  /** Give up (with a message saying how to resume) when Redis has not answered for this long (default 120 s). */
  redisTimeoutMs?: number;
}

type Pending = { id: string; data: ConvertJob };

const jobOptions = (id: string) => ({
  jobId: id,
  attempts: CONVERT_ATTEMPTS,
  backoff: { type: 'exponential' as const, delay: CONVERT_BACKOFF_MS },
  removeOnComplete: false,
  removeOnFail: false,
});

export async function enqueueConvert(ws: Workspace, options: EnqueueConvertOptions): Promise<ConvertSummary> {
  const { connection, label } = parseRedisUrl(options.redis);
  const images = imagesToConvert(ws, options.all ?? false);
  const outDir = path.resolve(options.outDir ?? keyImageDir(ws));
  const png = {
    ...(options.size !== undefined ? { size: options.size } : {}),
    ...(options.window !== undefined ? { window: options.window } : {}),
    ...(options.maxPixels !== undefined ? { maxPixels: options.maxPixels } : {}),
  };
  // One job per image key: a UID listed twice is one job.
  const pending = new Map<string, Pending>();
  for (const image of images) {
    const data: ConvertJob = { image, outDir, options: png };
    pending.set(convertJobId(data), { id: convertJobId(data), data });
  }
  const jobs = [...pending.values()];
  const total = jobs.length;
  const queue = new Queue<ConvertJob, ConvertJobResult>(CONVERT_QUEUE, { connection, prefix: QUEUE_PREFIX });
  queue.on('error', () => undefined); // ioredis reconnects; a tick that waits too long reports it below
  const timeoutMs = options.redisTimeoutMs ?? 120_000;
  const withTimeout = async <T>(what: string, p: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnreachableError(`Redis at ${label} has not answered for ${Math.round(timeoutMs / 1000)} s while ${what}; ` +
        'finished jobs are kept there: run the same command again once Redis is back to resume')), timeoutMs);
    });
    try {
      return await Promise.race([p, limit]);
    } finally {
      clearTimeout(timer);
    }
  };
  const converted: ConvertedRow[] = [];
  const rejected: Array<{ recordId: string; code: string; reason: string }> = [];
  const finished: Job<ConvertJob, ConvertJobResult>[] = [];
  try {
    await withTimeout('adding jobs', queue.addBulk(jobs.map((j) => ({ name: 'convert', data: j.data, opts: jobOptions(j.id) }))));
    // A job left failed (or completed with its PNG gone) by an earlier run is tried again, not taken as it is.
    for (const j of jobs) {
      const job = await withTimeout('checking jobs', Job.fromId<ConvertJob, ConvertJobResult>(queue, j.id));
      if (!job) continue;
      if (await job.isFailed()) await job.retry('failed');
      else if ((await job.isCompleted()) && job.returnvalue?.ok && !existsSync(job.returnvalue.row.path)) {
        await job.remove();
        await queue.add('convert', j.data, jobOptions(j.id));
      }
    }
    let failed = 0;
    const report = (waiting: number): void =>
      options.onProgress?.({ stage: CONVERT_STAGE, done: total - pending.size, total, unit: 'images', detail: `failed ${failed}, waiting ${waiting}` });
    report(pending.size);
    while (pending.size > 0) {
      throwIfCancelled(options.signal, CONVERT_STAGE);
      const states = await withTimeout('waiting for workers', Promise.all([...pending.values()].map(async (j) => ({ j, state: await queue.getJobState(j.id) }))));
      for (const { j, state } of states) {
        if (state === 'unknown') {
          // Redis lost it (restarted without persistence): add it again; its key makes this safe.
          await withTimeout('adding a lost job', queue.add('convert', j.data, jobOptions(j.id)));
          continue;
        }
        if (state !== 'completed' && state !== 'failed') continue;
        const job = await withTimeout('reading results', Job.fromId<ConvertJob, ConvertJobResult>(queue, j.id));
        if (!job) continue;
        pending.delete(j.id);
        finished.push(job);
        if (state === 'failed') {
          failed++;
          rejected.push({ recordId: j.data.image.location, code: 'job-failed', reason: redactSecrets(`failed after ${job.attemptsMade} attempts: ${job.failedReason}`) });
        } else if (job.returnvalue.ok) converted.push(job.returnvalue.row);
        else rejected.push({ recordId: job.returnvalue.recordId, code: job.returnvalue.code, reason: job.returnvalue.reason });
      }
      report(states.filter((s) => s.state === 'waiting' || s.state === 'delayed' || s.state === 'prioritized').length);
      if (pending.size > 0) await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
    }
    // Commit here, the one writer: rows, rejects, the stage record; only then do the results leave Redis.
    converted.sort((a, b) => (a.sopInstanceUid < b.sopInstanceUid ? -1 : 1));
    saveConvertedRows(ws, converted);
    const rejects = new Rejects(ws, CONVERT_STAGE, ws.dir);
    rejects.clear();
    for (const r of rejected) rejects.add(r.recordId, r.code, r.reason);
    const summary: ConvertSummary = { images: images.length, converted: converted.length, rejected: rejected.length, outDir, digest: convertDigest(converted) };
    recordConvertStage(ws, { all: options.all ?? false, size: options.size ?? 256, maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS }, images.length, summary);
    await withTimeout('removing committed jobs', Promise.all(finished.map((j) => j.remove())));
    return summary;
  } finally {
    await queue.close();
  }
}
