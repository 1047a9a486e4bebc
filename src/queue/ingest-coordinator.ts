/**
 * The coordinator of a queued `ingest` (`pacsmine ingest FILE --queue URL`): it splits a CSV or
 * JSON Lines file into shards at record boundaries (ingest-split.ts), adds one job per shard
 * (path and byte range, never report text), and commits the workers' results through the same
 * writer as in-process ingest (ReportWriter: the same tables, the same duplicate-id rule, the same
 * rejects), in source order: a shard that finishes early waits in memory for the ones before it.
 * So the rows, the summary and its digest are the in-process run's.
 *
 * The original text of a report that de-identification changed (`reports_raw`) never travels
 * through Redis: the coordinator reads the shard again from the file itself (the same reader) and
 * takes the originals from there, checking that its records are the worker's.
 *
 * Each shard's commit is one transaction with the writer's resume position and the shard's
 * `queue_commits` mark: a coordinator stopped at any point and run again skips the committed
 * shards (a prefix, since commits follow source order), restores the counts and adds only the rest.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../store/workspace.js';
import { digestStrings, stableJson } from '../store/workspace.js';
import { readReports, readReportShard, resolveSource, SHARDABLE_FORMATS, type SourceItem, type SourceOptions } from '../ingest/source.js';
import { ingestOutputDigest } from '../reports/ingest-digest.js';
import { INGEST_CODE, inputDigest, ReportWriter, sourceParams, STAGE_PREFIX, type IngestSummary } from '../reports/ingest.js';
import { IngestProgress as SavedProgress } from '../reports/ingest-resume.js';
import type { ProcessedReport } from '../reports/process.js';
import { InputError, OptionsError } from '../util/errors.js';
import { QueueCommits } from './commits.js';
import type { QueueRunOptions } from './coordinator.js';
import { INGEST_ATTEMPTS, INGEST_BACKOFF_MS, INGEST_QUEUE, ingestJobId, type IngestJob, type IngestJobResult } from './ingest-jobs.js';
import { splitShards, type Shard } from './ingest-split.js';
import { runJobs, type FinishedJob, type QueuedJob } from './run-jobs.js';

export interface EnqueueIngestOptions extends SourceOptions, QueueRunOptions {
  /** Records per shard (one job each; default 1,000). */
  shardRecords?: number;
  /** Or bytes per shard (cut at the first record boundary past it). */
  shardBytes?: number;
  /** Re-ingest even when the workspace says this file is up to date, and start over rather than resume. */
  force?: boolean;
}

const REJECT_STAGE = 'ingest';

/** `ingest --queue`: the same rows, summary and digest as ingestReports, the records processed by queue workers. */
export async function enqueueIngest(ws: Workspace, file: string, options: EnqueueIngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { redis, redisTimeoutMs, commitBatch, shardRecords, shardBytes, force, onProgress, signal, ...sourceOptions } = options;
  const source = path.resolve(file);
  const params = sourceParams(sourceOptions);
  const digest = await inputDigest(source);
  const stage = STAGE_PREFIX + source;
  const code = INGEST_CODE();
  if (!force && ws.isUpToDate(stage, params, digest, code)) {
    const prev = ws.stageRecord(stage)?.summary as IngestSummary;
    return { ...prev, upToDate: true, resumedFrom: 0, digest: ingestOutputDigest(ws, source, REJECT_STAGE) };
  }
  const { format, resolved, delimiter } = await resolveSource(source, sourceOptions);
  if (format !== 'csv' && format !== 'jsonl') {
    throw new OptionsError(`${path.basename(source)} reads as ${format}: the queue takes ${SHARDABLE_FORMATS.join(' and ')} files (one machine ingests the other formats: without option \`queue\`)`);
  }
  // The header and the options are checked here, with the in-process messages, before any job exists.
  const head = readReports(source, sourceOptions);
  await head.next();
  await head.return(undefined);
  const shards = await splitShards(source, format, { ...resolved, delimiter }, { ...(shardRecords !== undefined ? { records: shardRecords } : {}), ...(shardBytes !== undefined ? { bytes: shardBytes } : {}) });
  const { size } = await stat(source);

  const runKey = digestStrings('ingest-queue', digest, stableJson(params), code, stableJson([shardRecords ?? null, shardBytes ?? null]));
  const commits = new QueueCommits(ws, stage, runKey.slice(0, 16));
  if (force) commits.close();
  let { done } = commits.open();

  const jobs: Array<QueuedJob<IngestJob>> = shards.map((s) => {
    const { index, start, line, end, endLine } = s;
    const data: IngestJob = { file: source, size, digest, options: sourceOptions, shard: index, range: { start, line, end, ...(endLine !== undefined ? { endLine } : {}) } };
    return { id: ingestJobId(data), data };
  });
  // Committed shards are a prefix (commits follow source order). Marks that are not, or marks
  // whose resume position is gone (an in-process ingest of the file since), mean starting over.
  let next = 0;
  while (next < jobs.length && done.has(jobs[next]!.id)) next++;
  const consistent = next === done.size;
  const restart = (): void => {
    commits.close();
    done = new Set();
    next = 0;
  };
  if (!consistent) restart();
  const writer = new ReportWriter(ws, source, REJECT_STAGE, runKey);
  const resumedFrom = writer.begin((force ?? false) || !consistent);
  if (resumedFrom === 0 && next > 0) restart();
  if (resumedFrom > 0 && next === 0) throw new InputError(`${path.basename(source)}: a resume position without the queue marks that go with it: run again with option \`force\``);

  const waiting = new Map<number, FinishedJob<IngestJob, IngestJobResult>>();
  const name = path.basename(source);
  const commitShard = async (j: FinishedJob<IngestJob, IngestJobResult>): Promise<void> => {
    const shard = shards[j.data.shard] as Shard;
    let slots: SourceItem[];
    let results: ProcessedReport[] = [];
    if (!j.ok) {
      const lines = `lines ${shard.line}-${shard.endLine !== undefined ? shard.endLine - 1 : 'end'}`;
      slots = [{ ok: false, rejected: { recordId: '', location: `${name}:${lines}`, code: 'job-failed', reason: `${shard.records} records not ingested: the job failed after ${j.attempts} attempts: ${j.reason}` } }];
    } else {
      const items = j.result.items;
      results = items.flatMap((i) => (i.ok ? [i.report] : []));
      if (results.some((r) => r.numPhi > 0)) {
        // The originals of changed reports, read here from the file (never sent through Redis).
        slots = [];
        for await (const item of readReportShard(source, sourceOptions, j.data.range)) slots.push(item);
        const same = slots.length === items.length && slots.every((s, i) => {
          const w = items[i]!;
          if (!s.ok || !w.ok) return s.ok === w.ok;
          return s.record.recordId === w.record.recordId && s.record.location === w.record.location;
        });
        if (!same) throw new InputError(`${name}: shard ${shard.index} reads differently here than on the worker (the file changed, or the mount differs): run again once the file is the same everywhere`);
      } else {
        slots = items.map((i) => (i.ok ? { ok: true as const, record: { ...i.record, text: '' } } : i));
      }
    }
    ws.db.transaction(() => {
      writer.writeBatch(slots, results, false);
      commits.mark([{ id: j.id, ok: j.ok, item: String(shard.index).padStart(9, '0') }]);
    })();
  };

  await runJobs<IngestJob, IngestJobResult>({
    redis,
    queue: INGEST_QUEUE,
    name: 'ingest',
    stage: 'ingest',
    unit: 'shards',
    jobs: jobs.slice(next),
    alreadyDone: [...done],
    attempts: INGEST_ATTEMPTS,
    backoffMs: INGEST_BACKOFF_MS,
    commit: async (batch) => {
      for (const j of batch) waiting.set(j.data.shard, j);
      for (let j = waiting.get(next); j; j = waiting.get(next)) {
        await commitShard(j);
        waiting.delete(next);
        next++;
      }
    },
    ...(redisTimeoutMs !== undefined ? { redisTimeoutMs } : {}),
    ...(commitBatch !== undefined ? { commitBatch } : {}),
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  if (next !== jobs.length) throw new InputError(`${name}: ${jobs.length - next} shards were not committed`);
  const summary: IngestSummary = { ...writer.summary(), source, seconds: (performance.now() - started) / 1000, upToDate: false, resumedFrom, digest: ingestOutputDigest(ws, source, REJECT_STAGE) };
  ws.db.transaction(() => {
    ws.recordStage(stage, params, digest, code, summary);
    new SavedProgress(ws, REJECT_STAGE, source).clear();
    commits.close();
  })();
  return summary;
}
