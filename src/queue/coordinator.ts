/**
 * The coordinator of a queued `images convert`: it reads the workspace (which stays on this
 * machine), adds one job per study to Redis (its images' UIDs and locations), and while workers elsewhere convert them into the
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
import { CONVERT_ATTEMPTS, CONVERT_BACKOFF_MS, CONVERT_QUEUE, convertJobId, groupByStudy, type ConvertJob, type ConvertJobResult } from './jobs.js';
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
  // One job per study; a UID listed twice is converted once.
  const studyOf = new Map((ws.db.prepare('SELECT sop_instance_uid AS uid, study_uid AS study FROM images').all() as Array<{ uid: string; study: string | null }>).map((r) => [r.uid, r.study]));
  const jobs = new Map<string, QueuedJob<ConvertJob>>();
  for (const study of groupByStudy(images.map((i) => ({ ...i, studyUid: studyOf.get(i.sopInstanceUid) ?? null })))) {
    const data: ConvertJob = { ...study, outDir, options: png };
    const id = convertJobId(data);
    if (!done.has(id)) jobs.set(id, { id, data });
  }
  await runJobs<ConvertJob, ConvertJobResult>({
    redis: options.redis,
    queue: CONVERT_QUEUE,
    name: 'convert',
    stage: CONVERT_STAGE,
    unit: 'studies',
    jobs: [...jobs.values()],
    alreadyDone: [...done],
    attempts: CONVERT_ATTEMPTS,
    backoffMs: CONVERT_BACKOFF_MS,
    // A result whose PNG has gone since (an earlier run's, a cleaned folder) is converted again.
    stale: (_job, result) => result.outcomes.some((o) => o.ok && !existsSync(o.row.path)),
    commit: (batch) => {
      ws.db.transaction(() => {
        // Rows are keyed by SOP Instance UID (an upsert): a study committed twice writes the same rows.
        saveConvertedRows(ws, batch.flatMap((j) => (j.ok ? j.result.outcomes.flatMap((o) => (o.ok ? [o.row] : [])) : [])));
        for (const j of batch) {
          // Every attempt threw, or its worker died twice: each of the study's images is a reject with the reason.
          if (!j.ok) for (const image of j.data.images) rejects.add(image.location, 'job-failed', `failed after ${j.attempts} attempts: ${j.reason}`);
          else for (const o of j.result.outcomes) if (!o.ok) rejects.add(o.recordId, o.code, o.reason);
        }
        commits.mark(batch.map((j) => ({ id: j.id, ok: j.ok, item: j.data.study })));
      })();
    },
    ...(options.redisTimeoutMs !== undefined ? { redisTimeoutMs: options.redisTimeoutMs } : {}),
    ...(options.commitBatch !== undefined ? { commitBatch: options.commitBatch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // The run's rows as committed (this coordinator's and any earlier one's), for the summary and its
  // digest: every image of the run is committed by now, as a row or as a reject (by its location),
  // so its rows are the run's images less the rejected ones (a row an earlier run left for an image
  // rejected now does not count).
  const rejectedAt = new Set(ws.db.prepare('SELECT record_id FROM rejects WHERE stage = ? AND source = ?').pluck().all(CONVERT_STAGE, ws.dir) as string[]);
  const uids = new Set(images.filter((i) => !rejectedAt.has(i.location)).map((i) => i.sopInstanceUid));
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
