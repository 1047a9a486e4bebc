/**
 * The coordinator of a queued `images convert`: it reads the workspace (which stays on this
 * machine), adds one job per image to Redis, and while workers elsewhere convert them into the
 * shared output folder it commits their results in batches (rows, rejects and the marks that say
 * which jobs are committed, in one transaction), then records the stage. Jobs are keyed
 * (convertJobId) and committed jobs are marked (QueueCommits), so a coordinator stopped at any point
 * and run again adds only the rest and records every image once.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { Rejects } from '../store/rejects.js';
import { convertDigest, type ConvertedRow } from '../images/convert-one.js';
import { CONVERT_STAGE, imagesToConvert, keyImageDir, recordConvertStage, saveConvertedRows, type ConvertSummary } from '../images/convert.js';
import { DEFAULT_MAX_PIXELS } from '../images/pixels.js';
import type { RunControl } from '../util/progress.js';
import { QueueCommits } from './commits.js';
import { CONVERT_ATTEMPTS, CONVERT_BACKOFF_MS, CONVERT_QUEUE, convertJobId, type ConvertJob, type ConvertJobResult } from './jobs.js';
import { runJobs, type QueuedJob } from './run-jobs.js';

export interface QueueRunOptions extends RunControl {
  /** redis://[user:password@]host:port */
  redis: string;
  /** Stop with a message saying how to resume when Redis has not answered for this long (default 120 s). */
  redisTimeoutMs?: number;
  /** Results committed to the workspace at once (default 500). */
  commitBatch?: number;
}

export interface EnqueueConvertOptions extends QueueRunOptions {
  all?: boolean;
  size?: number;
  window?: [number, number] | string;
  maxPixels?: number;
  /** The folder the workers write into, shared by every machine (default: the workspace's artifacts/key-images). */
  outDir?: string;
}

export async function enqueueConvert(ws: Workspace, options: EnqueueConvertOptions): Promise<ConvertSummary> {
  const images = imagesToConvert(ws, options.all ?? false);
  const outDir = path.resolve(options.outDir ?? keyImageDir(ws));
  const png = {
    ...(options.size !== undefined ? { size: options.size } : {}),
    ...(options.window !== undefined ? { window: options.window } : {}),
    ...(options.maxPixels !== undefined ? { maxPixels: options.maxPixels } : {}),
  };
  const run = createHash('sha256').update(JSON.stringify([options.all ?? false, outDir, png.size ?? null, png.window ?? null, png.maxPixels ?? null])).digest('hex').slice(0, 16);
  const commits = new QueueCommits(ws, CONVERT_STAGE, run);
  const rejects = new Rejects(ws, CONVERT_STAGE, ws.dir);
  const { resumed, done } = commits.open();
  if (!resumed) rejects.clear();
  // One job per image key: a UID listed twice is one job.
  const jobs = new Map<string, QueuedJob<ConvertJob>>();
  for (const image of images) {
    const data: ConvertJob = { image, outDir, options: png };
    const id = convertJobId(data);
    if (!done.has(id)) jobs.set(id, { id, data });
  }
  await runJobs<ConvertJob, ConvertJobResult>({
    redis: options.redis,
    queue: CONVERT_QUEUE,
    name: 'convert',
    stage: CONVERT_STAGE,
    unit: 'images',
    jobs: [...jobs.values()],
    alreadyDone: [...done],
    attempts: CONVERT_ATTEMPTS,
    backoffMs: CONVERT_BACKOFF_MS,
    // A result whose PNG has gone since (an earlier run's, a cleaned folder) is converted again.
    stale: (_job, result) => result.ok && !existsSync(result.row.path),
    commit: (batch) => {
      ws.db.transaction(() => {
        saveConvertedRows(ws, batch.flatMap((j) => (j.ok && j.result.ok ? [j.result.row] : [])));
        for (const j of batch) {
          if (!j.ok) rejects.add(j.data.image.location, 'job-failed', `failed after ${j.attempts} attempts: ${j.reason}`);
          else if (!j.result.ok) rejects.add(j.result.recordId, j.result.code, j.result.reason);
        }
        commits.mark(batch.map((j) => ({ id: j.id, ok: j.ok && j.result.ok, item: j.data.image.sopInstanceUid })));
      })();
    },
    ...(options.redisTimeoutMs !== undefined ? { redisTimeoutMs: options.redisTimeoutMs } : {}),
    ...(options.commitBatch !== undefined ? { commitBatch: options.commitBatch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // The run's rows as committed (this coordinator's and any earlier one's), for the summary and its digest.
  const uids = new Set(commits.okItems());
  const converted = (ws.db.prepare(`SELECT sop_instance_uid AS sopInstanceUid, path, window_center AS windowCenter, window_width AS windowWidth,
    window_from AS windowFrom, source_rows AS sourceRows, source_columns AS sourceColumns FROM key_image_png ORDER BY sop_instance_uid`).all() as ConvertedRow[])
    .filter((r) => uids.has(r.sopInstanceUid));
  const rejected = ws.db.prepare('SELECT COUNT(*) FROM rejects WHERE stage = ? AND source = ?').pluck().get(CONVERT_STAGE, ws.dir) as number;
  const summary: ConvertSummary = { images: images.length, converted: converted.length, rejected, outDir, digest: convertDigest(converted) };
  ws.db.transaction(() => {
    recordConvertStage(ws, { all: options.all ?? false, size: options.size ?? 256, maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS }, images.length, summary);
    commits.close();
  })();
  return summary;
}
