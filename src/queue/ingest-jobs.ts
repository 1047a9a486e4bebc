/**
 * Report ingest as queue jobs: one job is one shard of a CSV or JSON Lines file (ingest-split.ts).
 * The payload is the file's path (a shared mount, the same path on every machine), its size and
 * digest, the shard's byte range and index, and the source options (column names, delimiter,
 * limits): never report text. The worker reads its range, de-identifies each report
 * (processReport, as in-process ingest does) and returns what the workspace stores of it: the
 * de-identified text with its counts and references, the record's id and metadata columns, and
 * the rejects (codes and reasons, which never quote the input). The original text stays in the file.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { readReportShard, type Rejected, type SourceOptions, type SourceRecord, type SourceShard } from '../ingest/source.js';
import { processReport, type ProcessedReport } from '../reports/process.js';

export const INGEST_QUEUE = 'pacsmine-ingest';
export const INGEST_ATTEMPTS = 3;
export const INGEST_BACKOFF_MS = 1000;

export interface IngestJob {
  /** Absolute path, readable by every worker at the same path. */
  file: string;
  /** The file's size and SHA-256 when the coordinator split it: a worker that sees another size refuses the job. */
  size: number;
  digest: string;
  /** The source options (no callbacks): how records are read. */
  options: SourceOptions;
  shard: number;
  range: SourceShard;
}

/** One record of the shard, in source order: a stored report (without its original text) or a reject. */
export type ShardItem =
  | { ok: true; record: Omit<SourceRecord, 'text'>; report: ProcessedReport }
  | { ok: false; rejected: Rejected };

export interface IngestJobResult {
  items: ShardItem[];
}

/** The job's id: the file's digest, the options and the shard (index and range). */
export function ingestJobId(job: IngestJob): string {
  const key = JSON.stringify(['ingest', job.digest, job.options, job.shard, job.range]);
  return `ingest-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** Time spent processing before letting the event loop run (BullMQ renews the job's lock there). */
const SLICE_MS = 50;

/** The worker's part: read the shard, de-identify and process each report. */
export async function runIngestJob(job: IngestJob): Promise<IngestJobResult> {
  const size = (await stat(job.file)).size;
  if (size !== job.size) throw new Error(`${job.file} is ${size} bytes here, ${job.size} where the coordinator split it: not the same file (is the shared mount up to date?)`);
  const items: ShardItem[] = [];
  let slice = performance.now();
  for await (const item of readReportShard(job.file, job.options, job.range)) {
    if (!item.ok) {
      items.push(item);
      continue;
    }
    const { text, ...record } = item.record;
    items.push({ ok: true, record, report: processReport(text) });
    if (performance.now() - slice > SLICE_MS) {
      await new Promise((r) => setImmediate(r));
      slice = performance.now();
    }
  }
  return { items };
}
