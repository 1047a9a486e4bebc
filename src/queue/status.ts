/** `pacsmine queue status`: how many jobs wait, run, finished or failed (over every job kind, and per queue), and how many workers are connected. */
import { Queue } from 'bullmq';
import { parseRedisUrl } from './connection.js';
import { CONVERT_QUEUE, QUEUE_PREFIX } from './jobs.js';
import { INFER_QUEUE } from './infer-jobs.js';
import { INGEST_QUEUE } from './ingest-jobs.js';

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export interface QueueStatus extends JobCounts {
  /** The Redis address, credentials redacted. */
  redis: string;
  /** The queues, comma-separated (the counts above are their sums). */
  queue: string;
  /** Worker processes connected (each takes every job kind). */
  workers: number;
  queues: Record<string, JobCounts>;
}

const QUEUES = [CONVERT_QUEUE, INFER_QUEUE, INGEST_QUEUE];

export async function queueStatus(redis: string): Promise<QueueStatus> {
  const { connection, label } = parseRedisUrl(redis);
  // A status check should fail fast, not wait for a Redis that is not there.
  const fast = { ...connection, maxRetriesPerRequest: 1, retryStrategy: () => null as unknown as number };
  const queues = QUEUES.map((name) => new Queue(name, { connection: fast, prefix: QUEUE_PREFIX }));
  for (const q of queues) q.on('error', () => undefined);
  try {
    const per: Record<string, JobCounts> = {};
    const sum: JobCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
    for (const q of queues) {
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
      const counts: JobCounts = { waiting: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0), active: c['active'] ?? 0, delayed: c['delayed'] ?? 0, completed: c['completed'] ?? 0, failed: c['failed'] ?? 0 };
      per[q.name] = counts;
      for (const k of Object.keys(sum) as Array<keyof JobCounts>) sum[k] += counts[k];
    }
    const workers = (await queues[0]!.getWorkers()).length;
    return { redis: label, queue: QUEUES.join(','), ...sum, workers, queues: per };
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}
