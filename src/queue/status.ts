/** `pacsmine queue status`: how many jobs wait, run, finished or failed, and how many workers are connected. */
import { Queue } from 'bullmq';
import { parseRedisUrl } from './connection.js';
import { CONVERT_QUEUE, QUEUE_PREFIX } from './jobs.js';

export interface QueueStatus {
  /** The Redis address, credentials redacted. */
  redis: string;
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  workers: number;
}

export async function queueStatus(redis: string): Promise<QueueStatus> {
  const { connection, label } = parseRedisUrl(redis);
  // A status check should fail fast, not wait for a Redis that is not there.
  const queue = new Queue(CONVERT_QUEUE, { connection: { ...connection, maxRetriesPerRequest: 1, retryStrategy: () => null as unknown as number }, prefix: QUEUE_PREFIX });
  queue.on('error', () => undefined);
  try {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
    const workers = (await queue.getWorkers()).length;
    return { redis: label, queue: CONVERT_QUEUE, waiting: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0), active: c['active'] ?? 0, delayed: c['delayed'] ?? 0, completed: c['completed'] ?? 0, failed: c['failed'] ?? 0, workers };
  } finally {
    await queue.close();
  }
}
