/**
 * The coordinator's side of every queued stage: add the run's jobs, learn which finished, hand
 * the results to one commit function in batches, and take them out of Redis once committed.
 *
 * It scales with the jobs that finish, not with the jobs that wait: BullMQ's QueueEvents stream
 * says which job ids completed or failed, and only those are read (in pages of `pageSize`, sent at
 * once so they share round trips). A full pass over the run's pending ids (in pages) happens only at
 * the start (an earlier run's results), and when nothing has finished for `sweepMs` (an event missed
 * while Redis restarted, a job Redis lost): it never polls every job on a timer.
 *
 * Results stay in Redis until `commit` has returned, so a coordinator stopped at any point, run
 * again, commits each result once (the caller skips the jobs it committed before: `jobs` lists only
 * the rest). Redis silent for `redisTimeoutMs` stops the run with a message naming the server by its
 * redacted label; the same command then resumes.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { UnreachableError } from '../util/errors.js';
import { throwIfCancelled, type RunControl } from '../util/progress.js';
import { redactSecrets } from '../util/redact.js';
import { checkReachable, closeQuietly, parseRedisUrl } from './connection.js';
import { QUEUE_PREFIX } from './jobs.js';

export interface QueuedJob<D> {
  /** The BullMQ job id: a hash of what the job does, so adding it twice changes nothing. */
  id: string;
  data: D;
}

/** A job that finished: its result, or (every attempt having thrown) the reason, redacted. */
export type FinishedJob<D, R> = QueuedJob<D> & ({ ok: true; result: R } | { ok: false; attempts: number; reason: string });

export interface RunJobsOptions<D, R> extends RunControl {
  redis: string;
  /** The queue (one per job kind). */
  queue: string;
  /** The job name workers see. */
  name: string;
  /** For progress messages. */
  stage: string;
  unit: string;
  jobs: ReadonlyArray<QueuedJob<D>>;
  /** Jobs of this run committed by an earlier coordinator: counted as done, and taken out of Redis if still there. */
  alreadyDone?: readonly string[];
  attempts: number;
  backoffMs: number;
  /** A result that cannot be used as it is (its output file gone): the job is run again. Checked for results found at the start. */
  stale?: (job: QueuedJob<D>, result: R) => boolean;
  /** Commits a batch of finished jobs: the one place results reach the workspace. */
  commit: (batch: Array<FinishedJob<D, R>>) => void | Promise<void>;
  /**
   * Keep every result in Redis until `finish` has returned, instead of after each commit (for a
   * stage whose output is printed at the end, not stored: a rerun finds the results again).
   */
  keepUntilEnd?: boolean;
  /** Called once every job is committed, before results kept until the end leave Redis. */
  finish?: () => void | Promise<void>;
  /** Results committed at once (default 500). */
  commitBatch?: number;
  /** Job ids read at once (default 500). */
  pageSize?: number;
  /** Look at every pending job when nothing has finished for this long (default 5 s). */
  sweepMs?: number;
  /** Stop with a message (resume by running again) when Redis has not answered for this long (default 120 s). */
  redisTimeoutMs?: number;
}

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Runs the jobs on the queue's workers and commits their results; resolves once every job is committed. */
export async function runJobs<D, R>(o: RunJobsOptions<D, R>): Promise<void> {
  const target = parseRedisUrl(o.redis);
  const { connection, label } = target;
  const timeoutMs = o.redisTimeoutMs ?? 120_000;
  const pageSize = Math.max(1, o.pageSize ?? 500);
  const commitBatch = Math.max(1, o.commitBatch ?? 500);
  const sweepMs = o.sweepMs ?? 5_000;
  const pending = new Map(o.jobs.map((j) => [j.id, j]));
  const total = pending.size + (o.alreadyDone?.length ?? 0);
  const jobOptions = (id: string) => ({ jobId: id, attempts: o.attempts, backoff: { type: 'exponential' as const, delay: o.backoffMs }, removeOnComplete: false, removeOnFail: false });

  const withTimeout = async <T>(what: string, p: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnreachableError(`Redis at ${label} has not answered for ${+(timeoutMs / 1000).toFixed(1)} s while ${what}; ` +
        'the results committed so far are kept: run the same command again once Redis is back, and it does only the rest')), timeoutMs);
    });
    try {
      return await Promise.race([p, limit]);
    } finally {
      clearTimeout(timer);
    }
  };

  await checkReachable(target, Math.min(timeoutMs, 10_000));
  // Untyped here (BullMQ's generics fight a generic caller): data goes in as D, results come out as R.
  const queue = new Queue(o.queue, { connection, prefix: QUEUE_PREFIX });
  const events = new QueueEvents(o.queue, { connection, prefix: QUEUE_PREFIX });
  // ioredis reconnects by itself; a Redis that stays away is reported by withTimeout.
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  // Ids that an event says finished; the loop wakes up to read them.
  const hinted = new Set<string>();
  let wake: (() => void) | undefined;
  const hint = ({ jobId }: { jobId: string }): void => {
    if (!pending.has(jobId)) return;
    hinted.add(jobId);
    wake?.();
  };
  events.on('completed', hint);
  events.on('failed', hint);

  const buffer: Array<FinishedJob<D, R>> = [];
  const committedIds: string[] = [];
  let failed = 0;
  let lastProgress = Date.now();
  const add = (jobs: ReadonlyArray<QueuedJob<D>>) =>
    Promise.all(chunks(jobs, pageSize).map((c) => withTimeout('adding jobs', queue.addBulk(c.map((j) => ({ name: o.name, data: j.data, opts: jobOptions(j.id) }))))));

  /**
   * Reads these pending jobs (in pages) and moves the finished ones to the commit buffer. At the
   * start, a failed job is tried again and a stale result is redone; a job Redis lost is added again.
   */
  const collect = async (ids: readonly string[], first: boolean): Promise<void> => {
    for (const page of chunks(ids, pageSize)) {
      // The state first, then the job: a job read while active and finished before its state was
      // asked would look completed without its result.
      const found = await withTimeout('reading finished jobs', Promise.all(page.map(async (id) => {
        const state = await queue.getJobState(id);
        const job = state === 'unknown' ? undefined : await Job.fromId(queue, id);
        return { id, job, state: job ? state : 'unknown' };
      })));
      const lost: Array<QueuedJob<D>> = [];
      for (const { id, job, state } of found) {
        const j = pending.get(id);
        if (!j) continue;
        if (!job || state === 'unknown') {
          lost.push(j);
          continue;
        }
        if (state === 'failed') {
          if (first) {
            await withTimeout('retrying a failed job', job.retry('failed'));
            continue;
          }
          pending.delete(id);
          failed++;
          buffer.push({ ...j, ok: false, attempts: job.attemptsMade, reason: redactSecrets(job.failedReason ?? 'unknown failure') });
        } else if (state === 'completed') {
          if (first && o.stale?.(j, job.returnvalue as R)) {
            await withTimeout('redoing a stale job', job.remove());
            lost.push(j);
            continue;
          }
          pending.delete(id);
          buffer.push({ ...j, ok: true, result: job.returnvalue as R });
        }
      }
      if (lost.length) await add(lost);
    }
  };

  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const batch = buffer.splice(0);
    await o.commit(batch);
    lastProgress = Date.now();
    if (o.keepUntilEnd) {
      for (const j of batch) committedIds.push(j.id);
      return;
    }
    await removeJobs(batch.map((j) => j.id));
  };
  const removeJobs = async (ids: readonly string[]): Promise<void> => {
    for (const page of chunks(ids, pageSize)) await withTimeout('removing committed jobs', Promise.all(page.map((id) => queue.remove(id))));
  };

  const report = async (): Promise<void> => {
    if (!o.onProgress) return;
    const c = await withTimeout('counting jobs', queue.getJobCounts('waiting', 'prioritized', 'delayed'));
    const waiting = (c['waiting'] ?? 0) + (c['prioritized'] ?? 0) + (c['delayed'] ?? 0);
    o.onProgress({ stage: o.stage, done: total - pending.size, total, unit: o.unit, detail: `failed ${failed}, waiting ${waiting}` });
  };

  try {
    // Listen before adding, so that no job finishes unheard.
    await withTimeout('connecting', Promise.all([queue.waitUntilReady(), events.waitUntilReady()]));
    // Committed by an earlier coordinator that stopped before taking them out.
    if (o.alreadyDone?.length) await removeJobs(o.alreadyDone);
    await add([...pending.values()]);
    await collect([...pending.keys()], true);
    await report();
    let lastFlush = Date.now();
    let lastSweep = Date.now();
    while (pending.size > 0) {
      throwIfCancelled(o.signal, o.stage);
      if (hinted.size === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 500);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      const ids = [...hinted];
      hinted.clear();
      const before = pending.size;
      if (ids.length) await collect(ids, false);
      if (pending.size < before) lastProgress = Date.now();
      else if (Date.now() - lastProgress > sweepMs && Date.now() - lastSweep > sweepMs) {
        // Quiet for a while: an event may have been missed (Redis restarted) or a job lost.
        lastSweep = Date.now();
        await collect([...pending.keys()], false);
      }
      if (buffer.length >= commitBatch || (buffer.length > 0 && (pending.size === 0 || Date.now() - lastFlush > 1_000))) {
        await flush();
        lastFlush = Date.now();
      }
      await report();
    }
    await flush();
    await o.finish?.();
    if (committedIds.length) await removeJobs(committedIds);
  } catch (error) {
    // Redis gone (or the run cancelled): results already read are committed, so a rerun need not redo them.
    if (buffer.length && !o.keepUntilEnd) await o.commit(buffer.splice(0));
    throw error;
  } finally {
    // A Redis that is gone must not hold the process.
    await closeQuietly([events, queue]);
  }
}
