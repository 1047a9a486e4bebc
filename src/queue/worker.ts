/**
 * A queue worker: takes jobs from Redis and runs them until told to stop: conversions
 * (convertOneImage) and inference batches (runInferJob). It never opens a workspace: a conversion's
 * input is a DICOM path (or PACS location) and its output a PNG in the shared folder plus the row;
 * an inference batch reads images and the networks' folders (a shared mount) and returns outputs.
 * Results go back to the coordinator through Redis.
 * A worker that dies mid-job holds a lock that expires after `lockDurationMs`; another worker's
 * stalled-job check then puts the job back, so nothing is lost.
 */
import { Worker, type Job, type Processor } from 'bullmq';
import { convertOneImage } from '../images/convert-one.js';
import type { DicomwebClient } from '../pacs/dicomweb.js';
import { parseRedisUrl } from './connection.js';
import { CONVERT_QUEUE, QUEUE_PREFIX, type ConvertJob, type ConvertJobResult } from './jobs.js';
import { INFER_QUEUE, runInferJob, type InferJob, type InferResult } from './infer-jobs.js';
import { INGEST_QUEUE, runIngestJob, type IngestJob, type IngestJobResult } from './ingest-jobs.js';

export interface QueueWorkerOptions {
  /** redis://[user:password@]host:port */
  redis: string;
  /** Conversion jobs run at once in this process (default 4: sharp overlaps well). */
  concurrency?: number;
  /** Inference batches run at once (default 1: onnxruntime already uses every core). */
  inferConcurrency?: number;
  /** Ingest shards run at once (default 1: a shard keeps one core busy; run a worker per core). */
  ingestConcurrency?: number;
  /** How long a job's lock lasts without renewal: a dead worker's job is taken back after about this long (default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs (default 30 s). */
  stalledIntervalMs?: number;
  /** For images on a PACS. */
  client?: DicomwebClient;
  /** Testing hook: wait this long before each job (to catch a worker mid-job). */
  jobDelayMs?: number;
  /** Called after each job, with how it went (for logs; never carries report text). */
  onJob?: (e: { id: string; ok: boolean; error?: string }) => void;
}

export interface QueueWorkerHandle {
  /** Stops taking jobs, finishes the ones in hand, and disconnects. */
  close(): Promise<void>;
  /** Resolves once the worker is connected and waiting for jobs. */
  ready(): Promise<void>;
  /** The Redis address with its credentials redacted. */
  label: string;
}

export function runQueueWorker(options: QueueWorkerOptions): QueueWorkerHandle {
  const { connection, label } = parseRedisUrl(options.redis);
  const processor = async (job: Job<ConvertJob, ConvertJobResult>): Promise<ConvertJobResult> => {
    if (options.jobDelayMs) await new Promise((r) => setTimeout(r, options.jobDelayMs));
    const { image, outDir, options: png } = job.data;
    return convertOneImage(image, outDir, { ...png, ...(options.client ? { client: options.client } : {}) });
  };
  const common = {
    connection,
    prefix: QUEUE_PREFIX,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    // A job whose worker died twice is failed (and listed as a reject) rather than tried forever.
    maxStalledCount: 2,
  };
  const infer = async (job: Job<InferJob, InferResult>): Promise<InferResult> => {
    if (options.jobDelayMs) await new Promise((r) => setTimeout(r, options.jobDelayMs));
    return runInferJob(job.data);
  };
  const workers = [
    new Worker<ConvertJob, ConvertJobResult>(CONVERT_QUEUE, processor, { ...common, concurrency: Math.max(1, options.concurrency ?? 4) }),
    new Worker<InferJob, InferResult>(INFER_QUEUE, infer as Processor<InferJob, InferResult>, { ...common, concurrency: Math.max(1, options.inferConcurrency ?? 1) }),
    new Worker<IngestJob, IngestJobResult>(INGEST_QUEUE, (async (job: Job<IngestJob, IngestJobResult>) => {
      if (options.jobDelayMs) await new Promise((r) => setTimeout(r, options.jobDelayMs));
      return runIngestJob(job.data);
    }) as Processor<IngestJob, IngestJobResult>, { ...common, concurrency: Math.max(1, options.ingestConcurrency ?? 1) }),
  ];
  for (const worker of workers as Array<Worker>) {
    worker.on('completed', (job) => options.onJob?.({ id: job.id ?? '', ok: true }));
    worker.on('failed', (job, error) => options.onJob?.({ id: job?.id ?? '', ok: false, error: error.message }));
    // Connection errors (a Redis restart) are retried by ioredis; without a listener they would crash the process.
    worker.on('error', () => undefined);
  }
  return {
    label,
    ready: () => Promise.all(workers.map((w) => w.waitUntilReady())).then(() => undefined),
    close: () => Promise.all(workers.map((w) => w.close())).then(() => undefined),
  };
}
