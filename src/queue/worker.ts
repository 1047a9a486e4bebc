/**
 * A queue worker: takes jobs from Redis and runs them until told to stop: conversions, one study
 * a job (convertStudy) and inference batches (runInferJob). It never opens a workspace: a conversion's
 * input is a DICOM path (or PACS location) and its output a PNG in the shared folder plus the row;
 * an inference batch reads images and the networks' folders (a shared mount) and returns outputs.
 * Results go back to the coordinator through Redis.
 * A worker that dies mid-job holds a lock that expires after `lockDurationMs`; another worker's
 * stalled-job check then puts the job back, so nothing is lost.
 * Stopping waits for the jobs in hand while Redis answers; a Redis silent for `closeGraceMs`
 * (finishing a job needs Redis) or `close({ force: true })` drops the connections instead, and the
 * jobs in hand go back to the queue when their locks expire (released, not lost).
 */
import { Worker, type Job, type Processor } from 'bullmq';
import type { DicomwebClient } from '../pacs/dicomweb.js';
import { parseRedisUrl } from './connection.js';
import { convertStudy } from './convert-study.js';
import type { ConvertOutcome } from '../images/convert-one.js';
import { CONVERT_QUEUE, QUEUE_PREFIX, type ConvertJob, type ConvertJobResult } from './jobs.js';
import { INFER_QUEUE, runInferJob, type InferJob, type InferResult } from './infer-jobs.js';
import { INGEST_QUEUE, runIngestJob, type IngestJob, type IngestJobResult } from './ingest-jobs.js';

export interface QueueWorkerOptions {
  /** redis://[user:password@]host:port */
  redis: string;
  /** Conversion jobs (studies) run at once in this process (default 4; each converts a few images at once). */
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
  /** Once stopping, how long Redis may stay silent before the connections are dropped (default 5 s). */
  closeGraceMs?: number;
  /** Called after each job, with how it went (for logs; never carries report text). */
  onJob?: (e: { id: string; ok: boolean; error?: string }) => void;
}

/** How a worker stopped: `forced` when the connections were dropped with jobs unfinished (Redis silent, or asked to). */
export interface QueueWorkerStop {
  forced: boolean;
  /** Jobs in hand when the connections were dropped (0 when not forced). */
  released: number;
  /** Why it was forced: Redis silent for the grace period, or asked to. */
  reason?: 'redis-silent' | 'asked';
}

export interface QueueWorkerHandle {
  /**
   * Stops taking jobs, finishes the ones in hand, and disconnects. Never hangs on a Redis that is
   * gone: silent for `closeGraceMs`, the connections are dropped. `force` drops them at once
   * (a second Ctrl-C); calling it again while closing forces a close already under way.
   */
  close(options?: { force?: boolean }): Promise<QueueWorkerStop>;
  /** Resolves once the worker is connected and waiting for jobs. */
  ready(): Promise<void>;
  /** The Redis address with its credentials redacted. */
  label: string;
}

export function runQueueWorker(options: QueueWorkerOptions): QueueWorkerHandle {
  const { connection, label } = parseRedisUrl(options.redis);
  let inHand = 0;
  const counted = <T>(p: () => Promise<T>): Promise<T> => {
    inHand++;
    return p().finally(() => inHand--);
  };
  const processor = async (job: Job<ConvertJob, ConvertJobResult>): Promise<ConvertJobResult> => {
    if (options.jobDelayMs) await new Promise((r) => setTimeout(r, options.jobDelayMs));
    // attemptsMade counts the attempts that already failed: this one is attemptsMade + 1.
    // What an earlier attempt of this study saved: its images are not converted again.
    const saved = job.progress as { outcomes?: Array<ConvertOutcome | null> } | number;
    return convertStudy(job.data, {
      attempt: job.attemptsMade + 1,
      attempts: job.opts.attempts ?? 1,
      ...(options.client ? { client: options.client } : {}),
      ...(typeof saved === 'object' && Array.isArray(saved.outcomes) && saved.outcomes.length === job.data.images.length ? { previous: saved.outcomes } : {}),
      save: (outcomes) => job.updateProgress({ outcomes }),
    });
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
    new Worker<ConvertJob, ConvertJobResult>(CONVERT_QUEUE, (job) => counted(() => processor(job)), { ...common, concurrency: Math.max(1, options.concurrency ?? 4) }),
    new Worker<InferJob, InferResult>(INFER_QUEUE, ((job: Job<InferJob, InferResult>) => counted(() => infer(job))) as Processor<InferJob, InferResult>, { ...common, concurrency: Math.max(1, options.inferConcurrency ?? 1) }),
    new Worker<IngestJob, IngestJobResult>(INGEST_QUEUE, ((job: Job<IngestJob, IngestJobResult>) => counted(async () => {
      if (options.jobDelayMs) await new Promise((r) => setTimeout(r, options.jobDelayMs));
      return runIngestJob(job.data);
    })) as Processor<IngestJob, IngestJobResult>, { ...common, concurrency: Math.max(1, options.ingestConcurrency ?? 1) }),
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
    close: closer(workers as Array<Worker>, options.closeGraceMs ?? 5_000, () => inHand),
  };
}

/**
 * The worker's close. BullMQ's own close waits for the jobs in hand and then for Redis to take
 * their results, for ever if Redis is gone (its connections reconnect without end). So while it
 * runs, a watchdog looks at the connections every 100 ms: not ready (reconnecting) for `graceMs`
 * in a row, it drops them. A Redis that answers is waited for however long the jobs take.
 */
function closer(workers: Worker[], graceMs: number, inHand: () => number): (options?: { force?: boolean }) => Promise<QueueWorkerStop> {
  let closing: Promise<QueueWorkerStop> | undefined;
  let forceNow: ((reason: 'asked') => void) | undefined;
  return (options = {}) => {
    if (closing) {
      if (options.force) forceNow?.('asked');
      return closing;
    }
    closing = (async (): Promise<QueueWorkerStop> => {
      // Not connected yet counts as silent too (a close called before Redis ever answered).
      let clients: Array<{ status: string }> | undefined;
      void Promise.all(workers.map((w) => w.getBackend().client)).then((c) => (clients = c), () => undefined);
      let silentSince: number | undefined;
      let timer: NodeJS.Timeout | undefined;
      const forced = new Promise<'redis-silent' | 'asked'>((resolve) => {
        forceNow = resolve;
        if (options.force) resolve('asked');
        timer = setInterval(() => {
          // 'end' is a connection closed on purpose (the close is done); anything but 'ready' otherwise means Redis is not answering.
          const down = !clients || clients.some((c) => c.status !== 'ready' && c.status !== 'end');
          if (!down) silentSince = undefined;
          else if ((silentSince ??= Date.now()) + graceMs <= Date.now()) resolve('redis-silent');
        }, 100);
      });
      const done = Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const);
      const how = await Promise.race([done, forced]);
      clearInterval(timer);
      if (how === 'closed') return { forced: false, released: 0 };
      const released = inHand();
      // disconnect() ends the connections without reconnecting; their waiting commands fail, which ends BullMQ's close.
      await Promise.race([Promise.allSettled(workers.map((w) => w.disconnect())), new Promise((r) => setTimeout(r, 1_000).unref())]);
      return { forced: true, released, reason: how };
    })();
    return closing;
  };
}
